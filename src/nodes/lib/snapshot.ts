import type { NodeMessage } from 'node-red';

const MAX_SNAPSHOT_BYTES = 64 * 1024;

/**
 * A JSON-safe copy of a message, small enough to persist with a followed job, so the final
 * message after a restart still carries the flow's own properties (topic, ids...). HTTP
 * request/response objects and anything too large are left out.
 */
function snapshotMessage(msg: NodeMessage): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...(msg as Record<string, unknown>) };
  delete rest.req;
  delete rest.res;
  let text: string | undefined;
  try {
    text = JSON.stringify(rest, dropBinary);
  } catch {
    text = undefined;
  }
  if (text !== undefined && text.length <= MAX_SNAPSHOT_BYTES) return JSON.parse(text) as Record<string, unknown>;
  const small = msg as { _msgid?: unknown; topic?: unknown; jobId?: unknown; ocean?: unknown };
  return JSON.parse(JSON.stringify({ _msgid: small._msgid, topic: small.topic, jobId: small.jobId, ocean: small.ocean })) as Record<string, unknown>;
}

/**
 * A JSON.stringify replacer that leaves binary data out. It looks at the holder's own property:
 * a Buffer's toJSON has already turned `value` into `{type: 'Buffer', data: [...]}` by now.
 */
function dropBinary(this: unknown, key: string, value: unknown): unknown {
  const original = key === '' ? value : (this as Record<string, unknown>)[key];
  return original instanceof Uint8Array ? undefined : value;
}

/**
 * The message saved with a followed job. Its payload is left out when it is the job itself (as
 * compute-start sends it): every message the follow delivers carries the job's latest status as
 * payload instead, and the job at rest then takes a few hundred bytes, not kilobytes.
 */
export function followSnapshot(msg: NodeMessage, jobId: string): Record<string, unknown> {
  const payload: unknown = msg.payload;
  const isTheJob = typeof payload === 'object' && payload !== null && (payload as { jobId?: unknown }).jobId === jobId;
  // JSON drops an undefined property: the copy never serializes the job.
  return snapshotMessage(isTheJob ? ({ ...msg, payload: undefined } as NodeMessage) : msg);
}
