export { OceanClient, type OceanClientOptions, type Connection, type CallOptions } from './client';
export { OceanError, isOceanError, type OceanErrorCode, type OceanErrorInfo } from './errors';
export type { BackendKind, BackendInfo } from './backend';
export type { ComputeEnvironment, EnvironmentConstraints, ResourceLimits, FreeTier } from './environments';
export type { ConnectionSettings } from './settings';
