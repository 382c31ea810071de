import type { JobRecord } from '../jobs/job';

/** The job as operator-service returns it through the Provider (fields it really sends; protocol doc 11.1). */
export function providerV2View(job: JobRecord): Record<string, unknown> {
  return {
    agreementId: job.extra.agreementId ?? null,
    algoDID: job.extra.algoDID ?? 'raw',
    dateCreated: job.dateCreated(),
    dateFinished: job.dateFinished(),
    inputDID: job.extra.inputDID ?? [],
    jobId: job.id,
    owner: job.owner,
    removed: 0,
    results: job.finishedAt === undefined ? '' : job.results.map((r) => ({ filename: r.filename, filesize: r.data.length, type: r.type })),
    status: job.status,
    statusText: job.statusText,
    stopreq: job.stopRequested ? 1 : 0,
  };
}
