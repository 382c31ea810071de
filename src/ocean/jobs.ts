import type { BackendKind } from './backend';
import { lenientNumber } from './environments';
import { isRecord } from './server-message';

/** Result kinds under one spelling; Provider v2 writes "configrationLog". */
export type ResultKind = 'output' | 'algorithmLog' | 'configurationLog' | 'imageLog' | 'filteringLog' | 'publishLog' | 'other';

export interface ResultFile {
  index: number;
  filename: string;
  filesize?: number;
  /** The type as the server names it. */
  type: string;
  kind: ResultKind;
  /** A tar of the algorithm's output folder (Ocean Node's outputs.tar), to unpack into its files. */
  archive: boolean;
}

/** One job, the same shape for both backends; `raw` keeps the server's object. */
export interface ComputeJob {
  /** The id to use in later calls: on Ocean Node the prefixed id start returned. */
  jobId: string;
  backend: BackendKind;
  status: number | null;
  statusText: string;
  /** The job will not change any more. */
  done: boolean;
  /** It ended badly: a failure status, or a non-zero exit code / OOM kill on Ocean Node. */
  failed: boolean;
  /** ocean.py's `ok`: for Provider v2 `status not in (31, 32, None)`; on Ocean Node also false for its failure codes. */
  ok: boolean;
  exitCode?: number | null;
  stopRequested: boolean;
  owner?: string;
  environment?: string;
  dateCreated?: string;
  dateFinished?: string | null;
  results: ResultFile[];
  raw: Record<string, unknown>;
}

/** Ocean Node failure codes (protocol doc 11.3): none of them ends at 70. */
export const OCEAN_NODE_FAILED = new Set([2, 11, 13, 14, 21, 22, 31, 32, 33, 41, 42, 61, 62]);
const OCEAN_NODE_FINISHED = new Set([70, 71]);
/** Provider v2: data or algorithm provisioning failed; 70 is the only success. */
export const PROVIDER_V2_FAILED = new Set([31, 32]);

const KIND_BY_TYPE: Record<string, ResultKind> = {
  output: 'output',
  algorithmlog: 'algorithmLog',
  configurationlog: 'configurationLog',
  configrationlog: 'configurationLog',
  imagelog: 'imageLog',
  filteringlog: 'filteringLog',
  publishlog: 'publishLog',
};

export function resultKind(type: string): ResultKind {
  const key = type.toLowerCase();
  return (Object.hasOwn(KIND_BY_TYPE, key) ? KIND_BY_TYPE[key] : undefined) ?? 'other';
}

function parseResults(value: unknown): ResultFile[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((entry, position) => {
    const type = typeof entry.type === 'string' ? entry.type : 'output';
    const filename = typeof entry.filename === 'string' ? entry.filename : `result-${position}`;
    const kind = resultKind(type);
    return {
      index: lenientNumber(entry.index) ?? position,
      filename,
      filesize: lenientNumber(entry.filesize),
      type,
      kind,
      archive: kind === 'output' && filename.toLowerCase().endsWith('.tar'),
    };
  });
}

function finishedDate(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? String(value) : null;
}

/**
 * Ocean Node status and stop answers carry the job id without its "<clusterHash>-" prefix; the
 * prefix is the environment id's part before the first "-".
 */
export function prefixedJobId(raw: Record<string, unknown>): string {
  const id = String(raw.jobId ?? '');
  const environment = typeof raw.environment === 'string' ? raw.environment : '';
  const cluster = environment.split('-')[0] ?? '';
  if (!cluster || id.startsWith(`${cluster}-`)) return id;
  return `${cluster}-${id}`;
}

export function parseOceanNodeJob(raw: Record<string, unknown>): ComputeJob {
  const status = lenientNumber(raw.status) ?? null;
  const termination = isRecord(raw.terminationDetails) ? raw.terminationDetails : {};
  const exitCode = lenientNumber(termination.exitCode) ?? null;
  const dateFinished = finishedDate(raw.dateFinished);
  const statusFailed = status !== null && OCEAN_NODE_FAILED.has(status);
  const done = dateFinished !== null || statusFailed || (status !== null && OCEAN_NODE_FINISHED.has(status));
  const failed = statusFailed || (done && ((exitCode !== null && exitCode !== 0) || termination.OOMKilled === true));
  return {
    jobId: prefixedJobId(raw),
    backend: 'ocean-node',
    status,
    statusText: typeof raw.statusText === 'string' ? raw.statusText : '',
    done,
    failed,
    ok: status !== null && !failed,
    exitCode,
    stopRequested: raw.stopRequested === true,
    owner: typeof raw.owner === 'string' ? raw.owner : undefined,
    environment: typeof raw.environment === 'string' ? raw.environment : undefined,
    dateCreated: typeof raw.dateCreated === 'string' ? raw.dateCreated : undefined,
    dateFinished,
    results: parseResults(raw.results),
    raw,
  };
}

export function parseProviderV2Job(raw: Record<string, unknown>): ComputeJob {
  const status = lenientNumber(raw.status) ?? null;
  const dateFinished = finishedDate(raw.dateFinished);
  const failed = status !== null && PROVIDER_V2_FAILED.has(status);
  return {
    jobId: String(raw.jobId ?? ''),
    backend: 'provider-v2',
    status,
    statusText: typeof raw.statusText === 'string' ? raw.statusText : '',
    done: dateFinished !== null || failed || status === 70,
    failed,
    ok: status !== null && !failed,
    stopRequested: lenientNumber(raw.stopreq) === 1,
    owner: typeof raw.owner === 'string' ? raw.owner : undefined,
    dateCreated: typeof raw.dateCreated === 'string' ? raw.dateCreated : undefined,
    dateFinished,
    results: parseResults(raw.results),
    raw,
  };
}
