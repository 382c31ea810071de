import type { BackendKind } from '../backend';
import { oceanNodeDialect } from './ocean-node';
import { providerV2Dialect } from './provider-v2';
import type { Dialect } from './types';

export type { Dialect, SignedPlan, PlainPlan, JobSelector } from './types';

export function dialectFor(kind: BackendKind): Dialect {
  return kind === 'ocean-node' ? oceanNodeDialect : providerV2Dialect;
}
