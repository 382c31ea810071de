import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ChainError } from '../chain-link';
import type { SandboxContext } from '../context';
import { providerAllows } from '../credentials';
import { flaskJson } from '../http/reply';
import type { SandboxRequest } from '../http/request';
import { JobRecord } from '../jobs/job';
import { fetchLocal } from '../local-fetch';
import { startRunnerJob } from '../runner';
import type { RunnerAlgorithm, RunnerInput } from '../runner/types';
import { accessDenied, checkDataset, checkRawAllowed, checkTrusted, type CheckedDataset } from './inputs';
import { providerV2View } from './job-view';
import { PROVIDER_V2_LIFECYCLE } from './lifecycle';
import { Refusal } from './refusal';
import { providerV2Results } from './results';
import { checkStartPayments, type OrderedInput } from './start-payments';
import { checkSignature, required, sieveError } from './validation';

type Body = Record<string, unknown>;

/** Without a chain, an order transaction is only checked to look like a tx hash. */
const TX = /^0x[0-9a-fA-F]{64}$/;

/** POST /api/services/compute of Provider 2.x: validation, signature, asset rules, then the operator. */
export async function startCompute(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): Promise<void> {
  const body: Body = typeof req.body === 'object' && req.body !== null ? (req.body as Body) : {};
  try {
    const algorithm = (body.algorithm ?? {}) as Body;
    const errors = required(body, ['dataset.documentId', 'dataset.serviceId', 'dataset.transferTxId', 'consumerAddress', 'nonce', 'signature']);
    if (!algorithm.meta && !algorithm.documentId) errors['algorithm.documentId'] = ['The algorithm.documentId field is required when algorithm.meta is not present.'];
    if (Object.keys(errors).length > 0) throw new Refusal(400, sieveError(errors));
    const dataset = body.dataset as Body;
    const owner = String(body.consumerAddress);
    const did = String(dataset.documentId);
    const signature = checkSignature(ctx, owner, body.nonce, body.signature, (nonce) => `${owner}${did}${nonce}`);
    if (signature) throw new Refusal(400, sieveError(signature));

    const datasets = [dataset, ...(Array.isArray(body.additionalDatasets) ? (body.additionalDatasets as Body[]) : [])];
    const checked = datasets.map((entry, i) => datasetInput(ctx, entry, owner, i === 0 ? 'dataset' : `datasets[${i}]`));
    const inputs: RunnerInput[] = checked.map((input) => ({ did: input.did, files: input.files }));
    const spec = ctx.options.environments.find((env) => `ocean-compute-${env.name}` === body.environment);
    if (!spec) throw new Refusal(400, { error: 'Environment invalid or does not exist' });
    const runnerAlgorithm = await algorithmFor(ctx, algorithm, did, owner);
    const agreementId = ctx.chain
      ? await checkStartPayments(ctx.chain, {
          owner,
          providerAddress: ctx.options.provider.address,
          environment: String(body.environment),
          spec,
          datasets: checked.map((input, i) => orderedInput(input, datasets[i] ?? {}, i === 0 ? 'dataset' : `datasets[${i}]`)),
          algorithm: algorithm.meta ? undefined : orderedAlgorithm(ctx, algorithm),
        })
      : String(dataset.transferTxId);
    if (ctx.jobs.running().some((job) => job.extra.agreementId === agreementId)) {
      throw new Refusal(400, { error: '`agreementId` already in use for other job.' });
    }
    const id = randomBytes(16).toString('hex');
    const runner = (ctx.options.runner ?? startRunnerJob)({
      jobId: id,
      baseDir: ctx.workDir,
      algorithm: runnerAlgorithm,
      inputs,
      algoCustomData: algorithm.documentId ? (algorithm.algocustomdata ?? {}) : {},
      maxDurationSeconds: spec.maxJobDuration,
    });
    const job = new JobRecord({
      id,
      owner,
      environmentId: String(body.environment),
      free: false,
      maxJobDuration: spec.maxJobDuration,
      resources: [],
      runner,
      lifecycle: PROVIDER_V2_LIFECYCLE,
      results: providerV2Results(),
      extra: { agreementId, inputDID: datasets.map((d) => d.documentId), algoDID: algorithm.documentId ?? 'raw' },
    });
    ctx.jobs.add(job);
    flaskJson(res, 200, [providerV2View(job)]);
  } catch (error) {
    if (error instanceof Refusal) flaskJson(res, error.status, error.body);
    else if (error instanceof ChainError) flaskJson(res, 500, { error: error.message });
    else throw error;
  }
}

function orderedInput(input: CheckedDataset, entry: Body, resource: string): OrderedInput {
  return { resource, txHash: String(entry.transferTxId), datatoken: String(input.service.datatokenAddress), service: input.service, serviceIndex: input.index };
}

function orderedAlgorithm(ctx: SandboxContext, algorithm: Body): OrderedInput | undefined {
  const stored = ctx.ddos.service(String(algorithm.documentId), String(algorithm.serviceId));
  if (!stored) return undefined;
  return { resource: 'algorithm', txHash: String(algorithm.transferTxId), datatoken: String(stored.service.datatokenAddress), service: stored.service, serviceIndex: stored.index };
}

function datasetInput(ctx: SandboxContext, entry: Body, owner: string, resource: string): CheckedDataset {
  const checked = checkDataset(ctx, entry, owner, resource);
  if (!ctx.chain && !TX.test(String(entry.transferTxId ?? ''))) throw new Refusal(400, { error: { [`${resource}.transferTxId`]: 'order_invalid' } });
  return checked;
}

async function algorithmFor(ctx: SandboxContext, algorithm: Body, datasetDid: string, owner: string): Promise<RunnerAlgorithm> {
  const compute = (ctx.ddos.get(datasetDid)?.ddo.services as Body[] | undefined)?.find((s) => s.type === 'compute')?.compute as Body | undefined;
  const meta = algorithm.meta as Body | undefined;
  if (meta) {
    checkRawAllowed(compute, 'dataset');
    const container = meta.container as Body | undefined;
    if (!container?.entrypoint || !container.image || !container.checksum) throw new Refusal(400, { error: { 'algorithm.container': 'missing_entrypoint_image_checksum' } });
    if (!String(container.checksum).startsWith('sha256:')) throw new Refusal(400, { error: { 'algorithm.container': 'checksum_prefix' } });
    if (meta.rawcode === undefined && meta.url === undefined) throw new Refusal(400, { error: { algorithm: 'meta_oneof_url_rawcode_remote' } });
    const code = typeof meta.rawcode === 'string' ? meta.rawcode : await fetchLocal(String(meta.url));
    return { container: container as unknown as RunnerAlgorithm['container'], code };
  }
  const did = String(algorithm.documentId);
  const asset = ctx.ddos.get(did);
  if (!asset) throw new Refusal(400, { error: { algorithm: 'did_not_found' } });
  const metadata = asset.ddo.metadata as Body | undefined;
  if (metadata?.type !== 'algorithm') throw new Refusal(400, { error: { algorithm: 'not_algo' } });
  if (!algorithm.serviceId) throw new Refusal(400, { error: { 'algorithm.serviceId': 'missing' } });
  // With a chain the order itself is checked later; without one only its format.
  if (!ctx.chain && !TX.test(String(algorithm.transferTxId ?? ''))) throw new Refusal(400, { error: { algorithm: 'in_use_or_not_on_chain' } });
  const code = providerAllows(asset.ddo.credentials, owner);
  if (code !== 0) throw new Refusal(400, { error: { 'algorithm.credentials': accessDenied(did, code) } });
  checkTrusted(compute, did, asset, 'dataset');
  const service = ctx.ddos.service(did, String(algorithm.serviceId));
  const container = (metadata.algorithm as Body | undefined)?.container as RunnerAlgorithm['container'] | undefined;
  const [file] = service?.files ?? [];
  if (!service || !container || !file) throw new Refusal(400, { error: { algorithm: 'file_unavailable' } });
  return { container, code: file.content ?? (await fetchLocal(String(file.url))) };
}
