import type { BackendKind } from '../backend';
import type { ComputeEnvironment } from '../environments';
import type { QueryValue } from '../http';

/**
 * Everything that differs between Ocean Node and Provider v2 lives behind this interface;
 * the client above it never asks which backend it talks to.
 */
export interface Dialect {
  readonly kind: BackendKind;
  /** Human name for messages. */
  readonly label: string;
  environmentsQuery(chainId: number): Record<string, QueryValue>;
  parseEnvironments(body: unknown, chainId: number): ComputeEnvironment[];
}
