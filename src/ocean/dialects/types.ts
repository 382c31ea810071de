import type { BackendKind } from '../backend';
import type { ComputeEnvironment } from '../environments';
import type { OceanError } from '../errors';
import type { QueryValue } from '../http';
import type { ComputeJob } from '../jobs';
import type { StartJobRequest } from '../job-request';
import type { InitializeAnswer } from '../payment/types';

/** A request that needs the wallet: the auth layer adds a nonce and signature, or a token. */
export interface SignedPlan {
  /** Name in the server's `serviceEndpoints` map. */
  endpoint: string;
  /** In words, for error messages. */
  operation: string;
  /** The text to sign for a nonce (protocol doc 3.4). */
  message(address: string, nonce: string): string;
  placement: 'query' | 'body';
  query?: Record<string, QueryValue>;
  body?: Record<string, unknown>;
  /** Provider v2 JSON bodies carry the nonce as a number, as ocean.py sends it. */
  nonceAsNumber?: boolean;
  /** Safe to send again if the transport fails (not for starts). */
  idempotent?: boolean;
}

/** A request that needs no signature. */
export interface PlainPlan {
  endpoint: string;
  operation: string;
  query?: Record<string, QueryValue>;
  body?: Record<string, unknown>;
  idempotent?: boolean;
}

export interface JobSelector {
  consumerAddress: string;
  /** Omitted: every job of the consumer, where the backend allows it. */
  jobId?: string;
  /** The dataset's DID (Provider v2 puts it in the stop signature). */
  did?: string;
}

/**
 * Everything that differs between Ocean Node and Provider v2 lives behind this interface;
 * the client above it never asks which backend it talks to.
 */
export interface Dialect {
  readonly kind: BackendKind;
  /** Human name for messages. */
  readonly label: string;
  /** The backend issues auth tokens that replace per-request signatures. */
  readonly tokenEndpoint?: string;
  environmentsQuery(chainId: number): Record<string, QueryValue>;
  parseEnvironments(body: unknown, chainId: number): ComputeEnvironment[];
  /** Backend-specific checks of a start request (what this backend cannot take). */
  validateStart(request: StartJobRequest): void;
  startPlan(consumerAddress: string, request: StartJobRequest): SignedPlan;
  statusPlan(selector: JobSelector): PlainPlan;
  stopPlan(selector: JobSelector & { jobId: string }): SignedPlan;
  resultPlan(selector: JobSelector & { jobId: string }, index: number): SignedPlan;
  /** A running job's algorithm output as it is written (Docker-framed); absent where the backend has none. */
  liveLogPlan?(selector: JobSelector & { jobId: string }): SignedPlan;
  tokenPlan?(address: string, validUntilMs: number): SignedPlan;
  /** The price quote / order check before paying (unsigned); `validUntil` in unix seconds (Provider v2). */
  initializePlan(consumerAddress: string, request: StartJobRequest, validUntil: number): PlainPlan;
  parseInitialize(body: unknown): InitializeAnswer;
  /** Start, status and stop all answer an array of job objects. */
  parseJobs(body: unknown): ComputeJob[];
  parseNonce(body: unknown): bigint;
  /** The request was refused for its nonce: fetch the stored one and sign again. */
  isNonceRejection(error: OceanError): boolean;
  /** Gives backend error texts their precise code (e.g. an invalid order). */
  refineError(error: OceanError): OceanError;
  /** The start was refused because the environment has no room for it now. */
  lacksRoom(error: OceanError): boolean;
}
