import type { ServerResponse } from 'node:http';
import { ChainError } from '../chain-link';
import type { SandboxContext } from '../context';
import type { StoredAsset } from '../ddo-store';
import { flaskJson } from '../http/reply';
import type { SandboxRequest } from '../http/request';
import { nowSeconds } from '../payments/provider-data';
import { checkDataset, checkRawAllowed, checkTrusted, computeOptions } from './inputs';
import { initializeItem } from './initialize-items';
import { Refusal } from './refusal';
import { required, sieveError } from './validation';

type Body = Record<string, unknown>;

const isRecord = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `POST /api/services/initializeCompute` of Provider 2.x (protocol doc 5.1): validation, then per
 * dataset (and published algorithm) a provider fee to order with, or the order to reuse.
 */
export async function initializeCompute(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): Promise<void> {
  const body: Body = isRecord(req.body) ? req.body : {};
  try {
    validate(body);
    const compute = body.compute as Body;
    const validUntil = Number(compute.validUntil);
    if (validUntil <= nowSeconds()) throw new Refusal(400, { error: 'The validUntil value is not correct.' });
    const environment = String(compute.env);
    const spec = ctx.options.environments.find((env) => `ocean-compute-${env.name}` === environment);
    if (!spec) throw new Refusal(400, { error: 'Compute environment does not exist' });
    const algorithm = isRecord(body.algorithm) ? body.algorithm : {};
    const algorithmAsset = publishedAlgorithm(ctx, algorithm);
    const consumer = String(body.consumerAddress);
    const datasets = Array.isArray(body.datasets) ? (body.datasets as unknown[]).map((d) => (isRecord(d) ? d : {})) : [];

    const items: Body[] = [];
    for (const [i, entry] of datasets.entries()) {
      const resource = i === 0 ? 'dataset' : `datasets[${i}]`;
      for (const field of ['documentId', 'serviceId']) {
        if (entry[field] === undefined || entry[field] === null || entry[field] === '') throw new Refusal(400, { error: { [`${resource}.${field}`]: 'missing' } });
      }
      const checked = checkDataset(ctx, entry, consumer, resource);
      const options = computeOptions(checked.service);
      if (options && algorithmAsset) checkTrusted(options, String(algorithm.documentId), algorithmAsset, resource);
      else if (options) checkRawAllowed(options, resource);
      // The Provider means the first input with a still-valid order to pay; in practice it is always dataset 0 (quirk, doc 5.1).
      const base = { consumer, environment, spec, validUntil, zero: i !== 0 };
      items.push(await initializeItem(ctx, { ...base, transferTxId: entry.transferTxId, datatoken: String(checked.service.datatokenAddress), service: checked.service, serviceIndex: checked.index }));
    }
    const answer: Body = datasets.length > 0 ? { datasets: items } : {};
    if (algorithmAsset) {
      const stored = ctx.ddos.service(String(algorithm.documentId), String(algorithm.serviceId));
      if (!stored) throw new Refusal(400, { error: { 'algorithm.serviceId': 'missing' } });
      answer.algorithm = await initializeItem(ctx, {
        consumer,
        environment,
        spec,
        validUntil,
        zero: datasets.length !== 0,
        transferTxId: algorithm.transferTxId,
        datatoken: String(stored.service.datatokenAddress),
        service: stored.service,
        serviceIndex: stored.index,
      });
    }
    flaskJson(res, 200, answer);
  } catch (error) {
    if (error instanceof Refusal) flaskJson(res, error.status, error.body);
    else if (error instanceof ChainError) flaskJson(res, 500, { error: error.message });
    else throw error;
  }
}

/** flask-sieve's InitializeComputeRequest rules. */
function validate(body: Body): void {
  const errors = required(body, ['datasets', 'compute.env', 'compute.validUntil', 'consumerAddress']);
  const algorithm = isRecord(body.algorithm) ? body.algorithm : {};
  if (!algorithm.meta && !algorithm.documentId) errors['algorithm.documentId'] = ['The algorithm.documentId field is required when algorithm.meta is not present.'];
  const validUntil = isRecord(body.compute) ? body.compute.validUntil : undefined;
  if (!errors['compute.validUntil'] && !/^-?\d+$/.test(String(validUntil))) errors['compute.validUntil'] = ['The compute.validUntil must be an integer.'];
  if (Object.keys(errors).length > 0) throw new Refusal(400, sieveError(errors));
}

/** The algorithm's DDO when it is a published one; a DID that is no algorithm is refused. */
function publishedAlgorithm(ctx: SandboxContext, algorithm: Body): StoredAsset | undefined {
  if (!algorithm.documentId || algorithm.meta) return undefined;
  const asset = ctx.ddos.get(String(algorithm.documentId));
  const metadata = asset?.ddo.metadata;
  if (!asset || !isRecord(metadata) || metadata.type !== 'algorithm') throw new Refusal(400, { error: 'DID is not a valid algorithm' });
  return asset;
}
