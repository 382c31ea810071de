import type { ServerResponse } from 'node:http';
import { isAddress } from 'ethers';
import type { SandboxContext } from '../context';
import { CLUSTER_HASH } from '../environments';
import { emptyBody, expressJson, expressText } from '../http/reply';
import { queryParam, type SandboxRequest } from '../http/request';
import type { JobRecord } from '../jobs/job';
import { authenticate } from './auth';
import { statusView, stopView } from './job-view';

/** The unprefixed id of a "<cluster>-<id>" job id: undefined without a dash, '' when the prefix is not this node's. */
export function localId(jobId: string): string | undefined {
  const dash = jobId.indexOf('-');
  if (dash < 0) return undefined;
  return jobId.slice(0, dash) === CLUSTER_HASH ? jobId.slice(dash + 1) : '';
}

export function queryFields(req: SandboxRequest): Record<string, unknown> {
  return Object.fromEntries(req.query.entries());
}

/** GET /api/services/compute: unsigned; any failure is a bare 500, as on the real node. */
export function status(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): void {
  const consumer = queryParam(req, 'consumerAddress');
  const jobId = queryParam(req, 'jobId');
  if ((consumer === undefined && jobId === undefined) || (consumer !== undefined && !isAddress(consumer))) {
    expressText(res, 500, 'Internal Server Error');
    return;
  }
  const id = jobId === undefined ? undefined : localId(jobId);
  let jobs: JobRecord[];
  if (id === undefined) jobs = consumer ? ctx.jobs.ownedBy(consumer) : [];
  else {
    const job = ctx.jobs.get(id);
    jobs = job && (consumer === undefined || job.owner === consumer) ? [job] : [];
  }
  expressJson(res, 200, jobs.map(statusView));
}

/** PUT /api/services/compute: signed `stopCompute`, query only; every auth failure is a 500. */
export function stop(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): void {
  const fields = queryFields(req);
  const jobId = queryParam(req, 'jobId');
  const auth = authenticate(ctx, req, fields, 'stopCompute');
  if (!auth.ok || !jobId || typeof fields.consumerAddress !== 'string') {
    expressText(res, 500, 'Internal Server Error');
    return;
  }
  const job = ctx.jobs.get(localId(jobId) ?? '');
  if (!job || job.owner !== fields.consumerAddress) {
    expressJson(res, 200, []);
    return;
  }
  job.stop();
  expressJson(res, 200, [stopView(job)]);
}

/** GET /api/services/computeResult: signed `getComputeResult`; plain-text errors; 200 and no body for a result not there yet. */
export function result(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): void {
  const fields = queryFields(req);
  const jobId = queryParam(req, 'jobId');
  const index = queryParam(req, 'index');
  const missing = jobId === undefined ? 'jobId' : index === undefined ? 'index' : undefined;
  if (missing) {
    expressText(res, 400, `Missing one ( "${missing}" ) or more required field(s) for command: "getComputeResult". Required fields: jobId,index`);
    return;
  }
  const auth = authenticate(ctx, req, fields, 'getComputeResult');
  if (!auth.ok) {
    expressText(res, auth.status, auth.message);
    return;
  }
  const id = localId(jobId ?? '') ?? jobId ?? '';
  const job = ctx.jobs.get(id);
  if (!job) {
    expressText(res, 500, `Cannot find job with id ${id}`);
    return;
  }
  const consumer = String(fields.consumerAddress ?? '');
  if (job.owner !== consumer) {
    expressText(res, 500, `${consumer} is not authorized to get results for job with id ${id}`);
    return;
  }
  const file = job.results[Number(index)];
  if (!file) {
    emptyBody(res);
    return;
  }
  res.writeHead(200, {
    'Content-Type': file.type === 'output' ? 'application/octet-stream' : 'text/plain; charset=utf-8',
    'Transfer-Encoding': 'chunked',
  });
  res.end(file.data);
}
