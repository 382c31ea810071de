export { startSandbox, type Sandbox, type RequestRecord } from './server';
export {
  DEFAULT_ENVIRONMENTS,
  DEFAULT_ESCROW_ADDRESS,
  DEFAULT_FEE_TOKEN,
  DEFAULT_PROVIDER_KEY,
  type EnvironmentSpec,
  type SandboxChainOptions,
  type SandboxDialect,
  type SandboxOptions,
} from './options';
export { oceanNodeEnvironmentId } from './environments';
export { HeldJobs } from './runner/held-jobs';
export type { CannedFault, Fault, StreamCutFault } from './http/faults';
export { addSampleAssets, SENSOR_READINGS_CSV, STATISTICS_ALGORITHM, LONG_RUNNING_ALGORITHM, NODE_CONTAINER, type SampleAssets, type SampleOptions } from './samples';
export { sampleAssetsOnChain, startChainSandbox, type ChainSandbox, type SandboxChain } from './chain-sandbox';
export { datasetAsset, algorithmAsset, didFor } from './assets';
