import { OceanError, isOceanError, type OceanErrorInfo } from '../../ocean';

/**
 * The error a node hands to `done(err)`. Node-RED copies `message`, `code`, `stack` and `cause`
 * onto the Catch node's `msg.error`; `cause` carries the rest of the typed error (HTTP status,
 * retryable, job id) as plain JSON, never a library object that could hold headers or keys.
 */
export class NodeError extends Error {
  readonly code: string;
  override readonly cause: OceanErrorInfo;

  constructor(info: OceanErrorInfo) {
    super(info.message);
    this.name = 'OceanError';
    this.code = info.code;
    this.cause = info;
  }
}

export function toNodeError(error: unknown): NodeError {
  if (error instanceof NodeError) return error;
  if (isOceanError(error)) return new NodeError(error.info());
  const message = error instanceof Error ? error.message : String(error);
  return new NodeError(new OceanError('INVALID_INPUT', message).info());
}
