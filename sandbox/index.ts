export { startSandbox, type Sandbox, type RequestRecord } from './server';
export { DEFAULT_ENVIRONMENTS, DEFAULT_FEE_TOKEN, DEFAULT_PROVIDER_KEY, type EnvironmentSpec, type SandboxDialect, type SandboxOptions } from './options';
export { oceanNodeEnvironmentId } from './environments';
export type { Fault } from './http/faults';
export { addSampleAssets, SENSOR_READINGS_CSV, STATISTICS_ALGORITHM, LONG_RUNNING_ALGORITHM, NODE_CONTAINER, type SampleAssets } from './samples';
export { datasetAsset, algorithmAsset, didFor } from './assets';
