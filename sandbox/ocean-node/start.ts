import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { isAddress } from 'ethers';
import { ChainError } from '../chain-link';
import type { SandboxContext } from '../context';
import { oceanNodeAllows } from '../credentials';
import { findEnvironment } from '../environments';
import { expressJson } from '../http/reply';
import type { SandboxRequest } from '../http/request';
import { JobRecord } from '../jobs/job';
import { fetchLocal } from '../local-fetch';
import type { EnvironmentSpec } from '../options';
import { startRunnerJob } from '../runner';
import type { RunnerAlgorithm, RunnerInput } from '../runner/types';
import { authenticate } from './auth';
import { claimWhenDone, lockJobPayment, type JobPayment } from './escrow';
import { startView } from './job-view';
import { OCEAN_NODE_LIFECYCLE } from './lifecycle';
import { jobCost, minLockSeconds, type ResourceAmount } from './pricing';
import { Refusal } from './refusal';
import { ResourceError, resourcesFor } from './resources';
import { oceanNodeResults } from './results';
import { checkStartOrders } from './start-orders';

type Body = Record<string, unknown>;

const REQUIRED = ['algorithm', 'datasets', 'environment'];

/** `POST /freeCompute` and `POST /compute`, checked in the order Ocean Node checks them (protocol doc 7.2). */
export async function startCompute(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse, paid: boolean): Promise<void> {
  const command = paid ? 'startCompute' : 'freeStartCompute';
  const body: Body = typeof req.body === 'object' && req.body !== null ? (req.body as Body) : {};
  try {
    const missing = REQUIRED.find((field) => body[field] === undefined || body[field] === null);
    const required = paid ? [...REQUIRED, 'maxJobDuration'] : REQUIRED;
    if (missing) throw new Refusal(400, `Missing one ( "${missing}" ) or more required field(s) for command: "${command}". Required fields: ${required.join(',')}`);
    if (typeof body.consumerAddress !== 'string' || !isAddress(body.consumerAddress)) {
      throw new Refusal(400, 'Parameter : "consumerAddress" is not a valid web3 address');
    }
    const auth = authenticate(ctx, req, body, command);
    if (!auth.ok) throw new Refusal(auth.status, auth.message);
    const owner = body.consumerAddress;
    const spec = findEnvironment(ctx.options.environments, String(body.environment));
    if (!spec) throw new Refusal(500, 'Invalid C2D Environment');
    if (paid) checkPayment(ctx, spec, body);
    else if (!spec.free) throw new Refusal(500, 'Invalid C2D Environment');
    const resources = jobResources(ctx, spec, String(body.environment), body.resources, paid);
    const inputs = await datasetsFor(ctx, body.datasets, owner);
    const algorithm = await algorithmFor(ctx, body.algorithm, owner);
    const image = `${algorithm.container.image}:${algorithm.container.tag}`;
    if (ctx.options.images && !ctx.options.images.includes(image)) {
      throw new Refusal(500, `Cannot find image ${image} for x86_64. Maybe it does not exist or it's build for other arhitectures.`);
    }
    const maxJobDuration = durationFor(spec, body.maxJobDuration, paid);
    const id = randomBytes(32).toString('hex');
    const lock = paid ? await takePayment(ctx, body, { id, owner, spec, resources, maxJobDuration }) : undefined;
    const runner = (ctx.options.runner ?? startRunnerJob)({
      jobId: id,
      baseDir: ctx.workDir,
      algorithm,
      inputs,
      algoCustomData: algorithmCustomData(body.algorithm),
      maxDurationSeconds: maxJobDuration,
    });
    const job = new JobRecord({
      id,
      owner,
      environmentId: String(body.environment),
      free: !paid,
      maxJobDuration,
      resources,
      runner,
      lifecycle: OCEAN_NODE_LIFECYCLE,
      results: oceanNodeResults(runner),
      extra: lock ? { payment: lock.payment } : undefined,
    });
    ctx.jobs.add(job);
    if (lock && ctx.chain) claimWhenDone(ctx.chain, job, spec, lock.payment, lock.amount);
    expressJson(res, 200, [startView(job)]);
  } catch (error) {
    if (error instanceof Refusal) expressJson(res, error.status, error.message);
    else if (error instanceof ChainError) expressJson(res, 500, error.message);
    else throw error;
  }
}

interface PaidJob {
  id: string;
  owner: string;
  spec: EnvironmentSpec;
  resources: ResourceAmount[];
  maxJobDuration: number;
}

/**
 * With a chain: the orders of published assets, then the escrow lock of the job's price (the
 * quote of initialize for these resources and duration). Without one nothing is taken.
 */
async function takePayment(ctx: SandboxContext, body: Body, job: PaidJob): Promise<{ payment: JobPayment; amount: bigint } | undefined> {
  if (!ctx.chain) return undefined;
  await checkStartOrders(ctx, ctx.chain, body.algorithm, body.datasets);
  const payment = body.payment as Body;
  const amount = jobCost(job.spec, job.resources, job.maxJobDuration).wei;
  const locked = await lockJobPayment(ctx.chain, ctx.options.provider.address, {
    jobId: job.id,
    chainId: Number(payment.chainId),
    token: String(payment.token),
    payer: job.owner,
    amount,
    lockSeconds: minLockSeconds(job.maxJobDuration, Number(body.queueMaxWaitTime) || 0),
  });
  return { payment: locked, amount };
}

function checkPayment(ctx: SandboxContext, spec: EnvironmentSpec, body: Body): void {
  const payment = body.payment as Body | undefined;
  if (!payment) throw new Refusal(500, "Cannot read properties of null (reading 'chainId')");
  const chainId = Number(payment.chainId);
  if (chainId !== ctx.options.chainId || String(payment.token).toLowerCase() !== spec.feeToken.toLowerCase()) {
    throw new Refusal(500, `This compute env does not accept payments on chain: ${String(payment.chainId)} using token ${String(payment.token)}`);
  }
  if (!(Number(body.maxJobDuration) > 0)) throw new Refusal(400, 'Invalid maxJobDuration');
}

function jobResources(ctx: SandboxContext, spec: EnvironmentSpec, environmentId: string, requested: unknown, paid: boolean): ResourceAmount[] {
  try {
    return resourcesFor(ctx, spec, environmentId, requested, paid, true);
  } catch (error) {
    if (error instanceof ResourceError) throw new Refusal(400, error.message);
    throw error;
  }
}

function durationFor(spec: EnvironmentSpec, requested: unknown, paid: boolean): number {
  const max = paid ? spec.maxJobDuration : (spec.free?.maxJobDuration ?? 0);
  const asked = Number(requested);
  return Number.isFinite(asked) && asked > 0 ? Math.min(asked, max) : max;
}

async function datasetsFor(ctx: SandboxContext, datasets: unknown, owner: string): Promise<RunnerInput[]> {
  if (!Array.isArray(datasets)) throw new Refusal(400, 'Invalid datasets');
  return Promise.all(
    (datasets as Body[]).map(async (dataset, i) => {
      const file = dataset?.fileObject as Body | undefined;
      if (file) return { did: `dataset${i}`, files: [{ url: String(file.url) }], inline: true };
      const did = String(dataset?.documentId);
      const stored = ctx.ddos.service(did, String(dataset?.serviceId));
      if (!stored) throw new Refusal(500, `DDO ${did} not found`);
      if (!oceanNodeAllows(ctx.ddos.get(did)?.ddo.credentials, owner)) throw new Refusal(403, `Error: Access to asset ${did} was denied`);
      return { did, files: stored.files };
    }),
  );
}

async function algorithmFor(ctx: SandboxContext, algorithm: unknown, owner: string): Promise<RunnerAlgorithm> {
  const body = (algorithm ?? {}) as Body;
  const meta = body.meta as Body | undefined;
  if (meta) {
    const container = meta.container as RunnerAlgorithm['container'] | undefined;
    if (!container) throw new Refusal(400, 'Invalid algorithm: missing container');
    const code = typeof meta.rawcode === 'string' ? meta.rawcode : typeof meta.url === 'string' ? await fetchCode(meta.url) : undefined;
    if (code === undefined) throw new Refusal(400, 'Invalid algorithm: missing rawcode');
    return { container, code };
  }
  const did = String(body.documentId);
  const stored = ctx.ddos.get(did);
  const service = ctx.ddos.service(did, String(body.serviceId));
  if (!stored || !service) throw new Refusal(500, `DDO ${did} not found`);
  if (!oceanNodeAllows(stored.ddo.credentials, owner)) throw new Refusal(403, `Error: Access to asset ${did} was denied`);
  const metadata = stored.ddo.metadata as Body | undefined;
  const container = (metadata?.algorithm as Body | undefined)?.container as RunnerAlgorithm['container'] | undefined;
  const [file] = service.files;
  if (!container || !file) throw new Refusal(500, `Failed to retrieve algorithm checksums for ${did}`);
  const code = file.content ?? (file.url ? await fetchCode(file.url) : '');
  return { container, code };
}

async function fetchCode(url: string): Promise<Buffer> {
  try {
    return await fetchLocal(url);
  } catch (error) {
    throw new Refusal(400, `Cannot fetch algorithm: ${(error as Error).message}`);
  }
}

function algorithmCustomData(algorithm: unknown): unknown {
  const custom = (algorithm as Body | undefined)?.algocustomdata;
  return custom === undefined ? {} : custom;
}
