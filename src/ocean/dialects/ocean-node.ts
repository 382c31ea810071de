import type { Dialect } from './types';
import { parseOceanNodeEnvironments } from './ocean-node-environments';

export const oceanNodeDialect: Dialect = {
  kind: 'ocean-node',
  label: 'Ocean Node',
  environmentsQuery: (chainId) => ({ chainId }),
  parseEnvironments: parseOceanNodeEnvironments,
};
