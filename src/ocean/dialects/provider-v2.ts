import type { Dialect } from './types';
import { parseProviderV2Environments } from './provider-v2-environments';

export const providerV2Dialect: Dialect = {
  kind: 'provider-v2',
  label: 'Provider v2',
  // The Provider ignores chainId and answers every chain it serves; ocean.py sends it anyway.
  environmentsQuery: (chainId) => ({ chainId }),
  parseEnvironments: parseProviderV2Environments,
};
