import type { ServerResponse } from 'node:http';
import type { SandboxContext } from '../context';
import { flaskJson } from '../http/reply';
import type { SandboxRequest } from '../http/request';
import { providerV2View } from './job-view';
import { checkSignature, required, sieveError } from './validation';

/** Query parameters, or the JSON body when there is no query string (the Provider's get_request_data). */
function params(req: SandboxRequest): Record<string, unknown> {
  if ([...req.query.keys()].length > 0) return Object.fromEntries(req.query.entries());
  return typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
}

/** GET /api/services/compute: unsigned; every job of the owner without jobId. */
export function status(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): void {
  const fields = params(req);
  const errors = required(fields, ['consumerAddress']);
  if (Object.keys(errors).length > 0) {
    flaskJson(res, 400, sieveError(errors));
    return;
  }
  const owned = ctx.jobs.ownedBy(String(fields.consumerAddress));
  const jobs = fields.jobId === undefined ? owned : owned.filter((job) => job.id === fields.jobId);
  flaskJson(res, 200, jobs.map(providerV2View));
}

/** PUT /api/services/compute: signed owner + jobId + documentId + nonce; no jobId stops every job of the owner. */
export function stop(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): void {
  const fields = params(req);
  const errors = required(fields, ['consumerAddress', 'nonce', 'signature']);
  if (Object.keys(errors).length > 0) {
    flaskJson(res, 400, sieveError(errors));
    return;
  }
  const owner = String(fields.consumerAddress);
  const jobId = fields.jobId === undefined ? '' : String(fields.jobId);
  const documentId = fields.documentId === undefined ? '' : String(fields.documentId);
  const signature = checkSignature(ctx, owner, fields.nonce, fields.signature, (nonce) => `${owner}${jobId}${documentId}${nonce}`);
  if (signature) {
    flaskJson(res, 400, sieveError(signature));
    return;
  }
  const jobs = ctx.jobs.ownedBy(owner).filter((job) => jobId === '' || job.id === jobId);
  for (const job of jobs) if (job.running) job.stop();
  flaskJson(res, 200, jobs.map(providerV2View));
}

/** GET /api/services/computeResult: signed owner + jobId + index + nonce; the file's bytes. */
export function result(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): void {
  const fields = params(req);
  const errors = required(fields, ['jobId', 'index', 'consumerAddress', 'nonce', 'signature']);
  if (Object.keys(errors).length > 0) {
    flaskJson(res, 400, sieveError(errors));
    return;
  }
  const owner = String(fields.consumerAddress);
  const jobId = String(fields.jobId);
  const index = String(fields.index);
  const signature = checkSignature(ctx, owner, fields.nonce, fields.signature, (nonce) => `${owner}${jobId}${index}${nonce}`);
  if (signature) {
    flaskJson(res, 400, sieveError(signature));
    return;
  }
  const job = ctx.jobs.get(jobId);
  if (!job || job.owner !== owner) {
    flaskJson(res, 404, { error: `Owner ${owner} mismatch for job ${jobId}` });
    return;
  }
  const position = Number(index);
  if (!Number.isInteger(position) || position < 0) {
    flaskJson(res, 404, { error: `Negative index ${index}` });
    return;
  }
  if (job.finishedAt === undefined || job.results.length === 0) {
    flaskJson(res, 404, { error: `No results for job ${jobId}` });
    return;
  }
  const file = job.results[position];
  if (!file) {
    flaskJson(res, 404, { error: `No such index ${position} in this compute job` });
    return;
  }
  res.writeHead(200, {
    'Content-Type': file.type === 'output' ? 'application/octet-stream' : 'text/plain',
    'Content-Disposition': `attachment;filename=${file.filename}`,
    'Content-Length': String(file.data.length),
  });
  res.end(file.data);
}
