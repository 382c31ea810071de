import { createHash } from 'node:crypto';
import type { JobRecord } from '../jobs/job';
import { CLUSTER_HASH } from '../environments';

export function jobIdHash(id: string): string {
  return `0x${createHash('sha256').update(id).digest('hex')}`;
}

function results(job: JobRecord): Array<Record<string, unknown>> {
  return job.results.map((r, index) => ({ filename: r.filename, filesize: r.data.length, type: r.type, index }));
}

/** A container that never started has neither an exit code nor an OOM verdict. */
function termination(job: JobRecord): Record<string, unknown> {
  const ran = job.outcome !== undefined && job.outcome.failure !== 'start';
  return { exitCode: job.outcome?.exitCode ?? null, OOMKilled: ran ? false : null };
}

function duration(job: JobRecord): number {
  return job.algoStartedAt && job.algoStoppedAt ? Math.round((job.algoStoppedAt - job.algoStartedAt) / 1000) : 0;
}

/** The job as `POST /freeCompute` and `POST /compute` answer it (prefixed id), recorded field order. */
export function startView(job: JobRecord): Record<string, unknown> {
  return {
    owner: job.owner,
    jobId: `${CLUSTER_HASH}-${job.id}`,
    jobIdHash: jobIdHash(job.id),
    dateCreated: job.dateCreated(),
    dateFinished: job.dateFinished(),
    status: job.status,
    statusText: job.statusText,
    results: results(job),
    maxJobDuration: job.maxJobDuration,
    environment: job.environmentId,
    stopRequested: job.stopRequested,
    resources: job.resources,
    isFree: job.free,
    algoStartTimestamp: job.algoStart(),
    algoStopTimestamp: job.algoStop(),
    payment: job.extra.payment ?? null,
    metadata: null,
    additionalViewers: null,
    terminationDetails: termination(job),
    algoDuration: duration(job),
    queueMaxWaitTime: 0,
    buildStartTimestamp: '0',
    buildStopTimestamp: '0',
  };
}

/** The job as status answers it: the id without its cluster prefix, recorded field order. */
export function statusView(job: JobRecord): Record<string, unknown> {
  return {
    owner: job.owner,
    did: null,
    jobId: job.id,
    dateCreated: job.dateCreated(),
    dateFinished: job.dateFinished(),
    status: job.status,
    statusText: job.statusText,
    results: results(job),
    inputDID: job.extra.inputDID ?? null,
    algoDID: job.extra.algoDID ?? null,
    agreementId: null,
    environment: job.environmentId,
    stopRequested: job.stopRequested,
    resources: job.resources,
    isFree: job.free,
    algoStartTimestamp: job.algoStart(),
    algoStopTimestamp: job.algoStop(),
    metadata: null,
    additionalViewers: null,
    terminationDetails: termination(job),
    payment: job.extra.payment ?? null,
    algoDuration: duration(job),
    queueMaxWaitTime: 0,
    jobIdHash: jobIdHash(job.id),
    buildStartTimestamp: '0',
    buildStopTimestamp: '0',
    maxJobDuration: job.maxJobDuration,
  };
}

/** The job as stop answers it: like status, but the recorded node leaves `results` null there. */
export function stopView(job: JobRecord): Record<string, unknown> {
  return { ...statusView(job), results: null };
}
