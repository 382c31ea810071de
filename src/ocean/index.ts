export { OceanClient, type OceanClientOptions, type Connection, type CallOptions, type StartOptions, type JobOptions, type ResultStream } from './client';
export { OceanError, isOceanError, type OceanErrorCode, type OceanErrorInfo } from './errors';
export type { BackendKind, BackendInfo } from './backend';
export type { ComputeEnvironment, EnvironmentConstraints, ResourceLimits, FreeTier } from './environments';
export type { ComputeJob, ResultFile, ResultKind } from './jobs';
export type { StartJobRequest, DatasetInput, AssetInput, UrlDatasetInput, AlgorithmInput, RawAlgorithm, ResourceRequest } from './job-request';
export type { Ddo, DdoService } from './ddo';
export type { ConnectionSettings } from './settings';
export * from './results';
