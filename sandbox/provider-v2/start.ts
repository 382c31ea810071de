import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from '../context';
import { providerAllows } from '../credentials';
import { flaskJson } from '../http/reply';
import type { SandboxRequest } from '../http/request';
import { JobRecord } from '../jobs/job';
import { fetchLocal } from '../local-fetch';
import { startRunnerJob } from '../runner';
import type { RunnerAlgorithm, RunnerInput } from '../runner/types';
import { providerV2View } from './job-view';
import { PROVIDER_V2_LIFECYCLE } from './lifecycle';
import { providerV2Results } from './results';
import { checkSignature, required, sieveError } from './validation';

type Body = Record<string, unknown>;

class Refusal {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

const CONSUMABLE_NAMES = { 3: 'CREDENTIAL_NOT_IN_ALLOW_LIST', 4: 'CREDENTIAL_IN_DENY_LIST' } as const;
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
    const inputs: RunnerInput[] = datasets.map((entry, i) => datasetInput(ctx, entry, owner, i === 0 ? 'dataset' : `datasets[${i}]`));
    const spec = ctx.options.environments.find((env) => `ocean-compute-${env.name}` === body.environment);
    if (!spec) throw new Refusal(400, { error: 'Environment invalid or does not exist' });
    const runnerAlgorithm = await algorithmFor(ctx, algorithm, did, owner);
    const agreementId = String(dataset.transferTxId);
    if (ctx.jobs.running().some((job) => job.extra.agreementId === agreementId)) {
      throw new Refusal(400, { error: '`agreementId` already in use for other job.' });
    }
    const id = randomBytes(16).toString('hex');
    const runner = startRunnerJob({
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
    else throw error;
  }
}

function datasetInput(ctx: SandboxContext, entry: Body, owner: string, resource: string): RunnerInput {
  const did = String(entry.documentId);
  const asset = ctx.ddos.get(did);
  if (!asset) throw new Refusal(400, { error: { [resource]: 'did_not_found' } });
  const stored = ctx.ddos.service(did, String(entry.serviceId));
  if (!stored) throw new Refusal(400, { error: { [`${resource}.serviceId`]: 'not_found' } });
  if (resource === 'dataset' && stored.service.type !== 'compute') throw new Refusal(400, { error: { [resource]: 'main_service_compute' } });
  if (!['compute', 'access'].includes(String(stored.service.type))) throw new Refusal(400, { error: { [resource]: 'service_not_access_compute' } });
  const code = providerAllows(asset.ddo.credentials, owner);
  if (code !== 0) throw new Refusal(400, { error: `Error: Access to asset ${did} was denied with code: ConsumableCodes.${CONSUMABLE_NAMES[code]}.` });
  if (!TX.test(String(entry.transferTxId ?? ''))) throw new Refusal(400, { error: { [`${resource}.transferTxId`]: 'order_invalid' } });
  return { did, files: stored.files };
}

async function algorithmFor(ctx: SandboxContext, algorithm: Body, datasetDid: string, owner: string): Promise<RunnerAlgorithm> {
  const compute = (ctx.ddos.get(datasetDid)?.ddo.services as Body[] | undefined)?.find((s) => s.type === 'compute')?.compute as Body | undefined;
  const meta = algorithm.meta as Body | undefined;
  if (meta) {
    if (compute?.allowRawAlgorithm !== true) throw new Refusal(400, { error: { dataset: 'no_raw_algo_allowed' } });
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
  if (!TX.test(String(algorithm.transferTxId ?? ''))) throw new Refusal(400, { error: { algorithm: 'in_use_or_not_on_chain' } });
  const code = providerAllows(asset.ddo.credentials, owner);
  if (code !== 0) throw new Refusal(400, { error: { 'algorithm.credentials': `Error: Access to asset ${did} was denied with code: ConsumableCodes.${CONSUMABLE_NAMES[code]}.` } });
  const trusted = Array.isArray(compute?.publisherTrustedAlgorithms) ? (compute.publisherTrustedAlgorithms as Body[]) : [];
  const publishers = Array.isArray(compute?.publisherTrustedAlgorithmPublishers) ? (compute.publisherTrustedAlgorithmPublishers as string[]) : [];
  // Provider v2 allows any published algorithm when both trust lists are empty.
  if (trusted.length > 0 && !trusted.some((t) => t.did === did)) throw new Refusal(400, { error: { dataset: 'not_trusted_algo' } });
  if (trusted.length === 0 && publishers.length > 0) {
    const owner = String(((asset.ddo.nft ?? {}) as Body).owner ?? '').toLowerCase();
    if (!publishers.map((p) => p.toLowerCase()).includes(owner)) throw new Refusal(400, { error: { dataset: 'not_trusted_algo_publisher' } });
  }
  const service = ctx.ddos.service(did, String(algorithm.serviceId));
  const container = (metadata.algorithm as Body | undefined)?.container as RunnerAlgorithm['container'] | undefined;
  const [file] = service?.files ?? [];
  if (!service || !container || !file) throw new Refusal(400, { error: { algorithm: 'file_unavailable' } });
  return { container, code: file.content ?? (await fetchLocal(String(file.url))) };
}
