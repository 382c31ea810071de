import { OceanError } from './errors';
import type { HttpMethod } from './http';
import { isRecord } from './server-message';

export type BackendKind = 'ocean-node' | 'provider-v2';

export interface Endpoint {
  method: HttpMethod;
  /** Path template as the server lists it, e.g. `/api/aquarius/assets/ddo/:did/:force?`. */
  path: string;
}

/** The server's `serviceEndpoints` map, looked up case-insensitively as ocean.js does. */
export class EndpointMap {
  private readonly byName = new Map<string, Endpoint>();

  constructor(raw: Record<string, unknown>) {
    for (const [name, value] of Object.entries(raw)) {
      if (!Array.isArray(value) || typeof value[0] !== 'string' || typeof value[1] !== 'string') continue;
      this.byName.set(name.toLowerCase(), { method: value[0].toUpperCase() as HttpMethod, path: value[1] });
    }
  }

  get(name: string): Endpoint | undefined {
    return this.byName.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  get size(): number {
    return this.byName.size;
  }
}

/** Fills `:param` and `:param?` segments of a path template; unknown optional ones are dropped. */
export function fillPath(template: string, params: Record<string, string> = {}): string {
  return template
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment;
      const optional = segment.endsWith('?');
      const name = segment.slice(1, optional ? -1 : undefined);
      const value = params[name];
      if (value !== undefined) return encodeURIComponent(value);
      if (optional) return null;
      throw new OceanError('INVALID_INPUT', `path parameter "${name}" is missing for ${template}`);
    })
    .filter((segment): segment is string => segment !== null)
    .join('/');
}

export interface BackendInfo {
  kind: BackendKind;
  software: string;
  version: string;
  chainIds: number[];
  endpoints: EndpointMap;
  /** Ocean Node: one address for every chain. Provider v2: one per chain id. */
  providerAddresses: Record<string, string>;
}

export function providerAddressFor(info: BackendInfo, chainId: number): string | undefined {
  return info.providerAddresses[String(chainId)] ?? info.providerAddresses['*'];
}

/**
 * Tells Ocean Node from Provider v2 by the body of `GET /` (protocol doc section 1):
 * `software: "Ocean-Node"` or a `freeCompute` endpoint means Ocean Node; `providerAddresses`
 * (or `software: "Provider"`) means Provider v2.
 */
export function parseRootInfo(body: unknown, where: string): BackendInfo {
  if (!isRecord(body) || !isRecord(body.serviceEndpoints)) {
    throw new OceanError(
      'UNSUPPORTED_BACKEND',
      `${where} does not look like an Ocean Node or Ocean Provider: its root answer has no "serviceEndpoints"`,
    );
  }
  const endpoints = new EndpointMap(body.serviceEndpoints);
  const software = typeof body.software === 'string' ? body.software : '';
  const version = typeof body.version === 'string' ? body.version : '';
  const chainIds = Array.isArray(body.chainIds)
    ? body.chainIds.map(Number).filter((id) => Number.isInteger(id) && id > 0)
    : [];
  if (software === 'Ocean-Node' || endpoints.has('freeCompute')) {
    const address = typeof body.providerAddress === 'string' ? body.providerAddress : undefined;
    return { kind: 'ocean-node', software, version, chainIds, endpoints, providerAddresses: address ? { '*': address } : {} };
  }
  if (isRecord(body.providerAddresses) || software === 'Provider') {
    const providerAddresses: Record<string, string> = {};
    if (isRecord(body.providerAddresses)) {
      for (const [chain, address] of Object.entries(body.providerAddresses)) {
        if (typeof address === 'string') providerAddresses[chain] = address;
      }
    } else if (typeof body.providerAddress === 'string') {
      providerAddresses['*'] = body.providerAddress;
    }
    return { kind: 'provider-v2', software, version, chainIds, endpoints, providerAddresses };
  }
  throw new OceanError(
    'UNSUPPORTED_BACKEND',
    `${where} answered as "${software || 'unknown software'}", which is neither an Ocean Node nor an Ocean Provider`,
  );
}
