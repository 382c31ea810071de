import type { ServerResponse } from 'node:http';
import { isAddress } from 'ethers';
import { ChainError } from '../chain-link';
import type { SandboxContext } from '../context';
import { findEnvironment } from '../environments';
import { expressJson, expressText } from '../http/reply';
import type { SandboxRequest } from '../http/request';
import { DEFAULT_ESCROW_ADDRESS, type EnvironmentSpec } from '../options';
import { initializeItem } from './initialize-items';
import { jobCost, minLockSeconds } from './pricing';
import { Refusal } from './refusal';
import { ResourceError, resourcesFor } from './resources';

type Body = Record<string, unknown>;

const REQUIRED = ['datasets', 'algorithm', 'payment', 'consumerAddress', 'environment'];
const NO_CHECKSUMS = 'Failed to retrieve algorithm checksums. Both container and files checksums are required.';

const isRecord = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `POST /api/services/initializeCompute` of Ocean Node (protocol doc 5.2): the escrow quote for
 * the resources and duration asked, and per asset its order state and provider fee. Errors are
 * plain text, as the node's route sends them.
 */
export async function initializeCompute(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): Promise<void> {
  try {
    const body = checkRequest(req.body);
    const spec = findEnvironment(ctx.options.environments, String(body.environment));
    if (!spec) throw new Refusal(500, 'Invalid C2D Environment');
    const algorithm = body.algorithm as Body;
    if (!hasRawCode(algorithm) && !hasChecksums(ctx, algorithm)) throw new Refusal(500, NO_CHECKSUMS);
    const asked = Number(body.maxJobDuration);
    const maxJobDuration = !asked || asked > spec.maxJobDuration ? spec.maxJobDuration : asked;
    const payment = body.payment as Body;
    const resources = quotedResources(ctx, spec, String(body.environment), payment.resources);
    if (Number(payment.chainId) !== ctx.options.chainId || String(payment.token).toLowerCase() !== spec.feeToken.toLowerCase()) {
      throw new Refusal(500, `This compute env does not accept payments on chain: ${String(payment.chainId)} using token ${String(payment.token)}`);
    }
    const quote = {
      escrowAddress: ctx.chain?.escrowAddress ?? DEFAULT_ESCROW_ADDRESS,
      payee: ctx.options.provider.address,
      chainId: payment.chainId,
      minLockSeconds: minLockSeconds(maxJobDuration, Number(body.queueMaxWaitTime) || 0),
      token: payment.token,
      amount: jobCost(spec, resources, maxJobDuration).wei.toString(),
    };
    const consumerAddress = String(body.consumerAddress);
    const algorithmItem = await initializeItem(ctx, algorithm, spec, consumerAddress);
    const datasets: Body[] = [];
    for (const dataset of body.datasets as Body[]) datasets.push(await initializeItem(ctx, dataset, spec, consumerAddress));
    expressJson(res, 200, { algorithm: algorithmItem, datasets, payment: quote });
  } catch (error) {
    if (error instanceof Refusal) expressText(res, error.status, error.message);
    else if (error instanceof ChainError) expressText(res, 500, error.message);
    else throw error;
  }
}

/** The route's own checks, then the command's parameter validation, in the node's order. */
function checkRequest(body: unknown): Body {
  if (!isRecord(body)) throw new Refusal(400, 'Missing required body');
  if (!isRecord(body.algorithm)) throw new Refusal(400, 'Missing algorithm');
  // The node's route loops over `datasets` unguarded: without a list it fails as a whole.
  if (!Array.isArray(body.datasets)) throw new Refusal(500, 'Internal Server Error');
  if ((body.datasets as unknown[]).some((d) => !isRecord(d) || !d.documentId)) throw new Refusal(400, 'Missing dataset did');
  const missing = REQUIRED.find((field) => body[field] === undefined || body[field] === null);
  if (missing) throw new Refusal(400, `Missing one ( "${missing}" ) or more required field(s) for command: "initializeCompute". Required fields: ${REQUIRED.join(',')}`);
  if (typeof body.consumerAddress !== 'string' || !isAddress(body.consumerAddress)) throw new Refusal(400, 'Parameter : "consumerAddress" is not a valid web3 address');
  const payment = isRecord(body.payment) ? body.payment : {};
  if (!payment.chainId || !payment.token) throw new Refusal(400, 'Invalid payment options');
  if (body.maxJobDuration !== undefined && body.maxJobDuration !== null && Number.parseInt(String(body.maxJobDuration), 10) <= 0) {
    throw new Refusal(400, 'Invalid maxJobDuration');
  }
  return body;
}

function hasRawCode(algorithm: Body): boolean {
  const meta = algorithm.meta;
  return isRecord(meta) && typeof meta.rawcode === 'string' && meta.rawcode.length > 0;
}

/** A published algorithm the node can take checksums of: its container and its files. */
function hasChecksums(ctx: SandboxContext, algorithm: Body): boolean {
  if (!algorithm.documentId) return false;
  const did = String(algorithm.documentId);
  const metadata = ctx.ddos.get(did)?.ddo.metadata;
  const container = isRecord(metadata) && isRecord(metadata.algorithm) ? metadata.algorithm.container : undefined;
  const files = ctx.ddos.service(did, String(algorithm.serviceId))?.files ?? [];
  return isRecord(container) && files.length > 0;
}

function quotedResources(ctx: SandboxContext, spec: EnvironmentSpec, environmentId: string, requested: unknown): ReturnType<typeof resourcesFor> {
  try {
    return resourcesFor(ctx, spec, environmentId, requested, true, false);
  } catch (error) {
    if (error instanceof ResourceError) throw new Refusal(500, error.message);
    throw error;
  }
}
