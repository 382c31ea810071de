import type { NodeMessage } from 'node-red';

/** What travels between the package's nodes on `msg.ocean` (DESIGN.md, message contract). */
export interface OceanMessageContext {
  backend?: string;
  chainId?: number;
  environment?: string;
  [key: string]: unknown;
}

/** A new `msg.ocean` with `patch` applied over what the message already carried. */
export function mergeOcean(msg: NodeMessage, patch: OceanMessageContext): OceanMessageContext {
  const current = (msg as { ocean?: unknown }).ocean;
  const base = typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as OceanMessageContext) : {};
  return { ...base, ...patch };
}
