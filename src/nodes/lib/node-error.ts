import type { Node, NodeMessage } from 'node-red';
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

  /** Node-RED puts `toString()` on a Catch node's `msg.error.message`: the message alone, as its own nodes give it. */
  override toString(): string {
    return this.message;
  }
}

export function toNodeError(error: unknown): NodeError {
  if (error instanceof NodeError) return error;
  if (isOceanError(error)) return new NodeError(error.info());
  const message = error instanceof Error ? error.message : String(error);
  return new NodeError(new OceanError('INVALID_INPUT', message).info());
}

/** What a node with an error output puts on `msg.error` (the Catch node's shape, plus the typed details). */
export function errorForMessage(error: unknown): Record<string, unknown> {
  const nodeError = toNodeError(error);
  return { message: nodeError.message, code: nodeError.code, cause: nodeError.cause };
}

type Send = (msg: NodeMessage | Array<NodeMessage | null>) => void;

/**
 * Reports a failed message: to Catch nodes by default, or — when the user chose an error
 * output — as the message on the node's last output, with `msg.error` set.
 */
export function reportFailure(node: { errorOutput?: boolean; outputCount: number }, msg: NodeMessage, error: unknown, send: Send, done: (err?: Error) => void): void {
  if (!node.errorOutput) {
    done(toNodeError(error));
    return;
  }
  (msg as NodeMessage & { error?: unknown }).error = errorForMessage(error);
  const ports: Array<NodeMessage | null> = Array.from({ length: node.outputCount }, () => null);
  ports[node.outputCount - 1] = msg;
  send(ports);
  done();
}

/** The same for a failure outside a message's handling (a followed job that timed out, say). */
export function reportLater(node: Node, failures: { errorOutput?: boolean; outputCount: number }, msg: NodeMessage, error: unknown): void {
  if (!failures.errorOutput) {
    node.error(toNodeError(error), msg);
    return;
  }
  (msg as NodeMessage & { error?: unknown }).error = errorForMessage(error);
  const ports: Array<NodeMessage | null> = Array.from({ length: failures.outputCount }, () => null);
  ports[failures.outputCount - 1] = msg;
  node.send(ports);
}
