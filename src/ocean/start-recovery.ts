import type { BackendKind } from './backend';
import { OceanError, isOceanError } from './errors';
import { isAssetInput, type StartJobRequest } from './job-request';
import type { ComputeJob } from './jobs';

/** Clocks of client and server may differ by this much either way. */
const CLOCK_SLACK_MS = 60_000;

/**
 * A start that got no usable answer (no answer in time, the connection cut, an answer that was not
 * a job) may still have started the job on the server. Sending it again could run, and pay for,
 * the job twice.
 */
export function startOutcomeUnknown(error: unknown): error is OceanError {
  if (!isOceanError(error)) return false;
  if (error.code === 'TIMEOUT' || error.code === 'BAD_RESPONSE') return true;
  return error.code === 'UNREACHABLE' && error.details?.reason !== 'ECONNREFUSED' && error.details?.reason !== 'ENOTFOUND';
}

/**
 * The jobs of the wallet's list that may be the one this start created: what the request carried
 * (environment, free or paid, the order that paid for it), created after it was sent, and not a job
 * this client already knows.
 */
export function startCandidates(kind: BackendKind, request: StartJobRequest, jobs: ComputeJob[], sentAt: number, known: ReadonlySet<string>): ComputeJob[] {
  const [main] = request.datasets;
  const agreement = main && isAssetInput(main) ? main.transferTxId?.toLowerCase() : undefined;
  return jobs.filter((job) => {
    if (known.has(job.jobId)) return false;
    const created = Number(job.raw.dateCreated) * 1000;
    if (!Number.isFinite(created) || created < sentAt - CLOCK_SLACK_MS || created > Date.now() + CLOCK_SLACK_MS) return false;
    if (kind === 'provider-v2') return agreement !== undefined && String(job.raw.agreementId ?? '').toLowerCase() === agreement;
    if (job.environment !== undefined && job.environment !== request.environment) return false;
    return typeof job.raw.isFree !== 'boolean' || job.raw.isFree === (request.free === true);
  });
}

/** The error of a start whose outcome stays unknown: it says so, and names the jobs it may have made. */
export function unknownStart(error: OceanError, candidates: ComputeJob[] | undefined): OceanError {
  const info = error.info();
  if (candidates === undefined) {
    return new OceanError(error.code, `${error.message}; whether the job started could not be checked (the wallet's jobs could not be listed): look before starting it again`, {
      ...info,
      details: { ...info.details, startUnknown: true, candidates: [] },
    });
  }
  if (candidates.length === 0) {
    return new OceanError(error.code, `${error.message}; no job was started (the wallet's jobs were checked), so it is safe to start it again`, {
      ...info,
      details: { ...info.details, startUnknown: false, candidates: [] },
    });
  }
  const ids = candidates.map((job) => job.jobId);
  return new OceanError(error.code, `${error.message}; the job may have started: ${ids.length} jobs started since could be it (${ids.join(', ')}); look before starting it again`, {
    ...info,
    details: { ...info.details, startUnknown: true, candidates: ids },
  });
}
