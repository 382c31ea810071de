import type { SandboxContext } from '../context';
import { oceanNodeAllows } from '../credentials';
import type { EnvironmentSpec } from '../options';
import { nodeOrderValid, nodeProviderFeeValid, readNodeOrder } from './orders';
import { nodeProviderFee } from './provider-fee';
import { Refusal } from './refusal';

type Body = Record<string, unknown>;

/**
 * One initialize item: `{validOrder: false}` for a raw algorithm; for a published asset its
 * datatoken, the environment's address as consumer, the order when `transferTxId` names a valid
 * one, and a provider fee unless that order's fee still holds.
 */
export async function initializeItem(ctx: SandboxContext, entry: Body, spec: EnvironmentSpec, consumerAddress: string): Promise<Body> {
  const item: Body = { validOrder: false };
  if (!entry.documentId) return item;
  const did = String(entry.documentId);
  const serviceId = String(entry.serviceId);
  item.did = did;
  item.serviceId = entry.serviceId;
  const asset = ctx.ddos.get(did);
  if (!asset) throw new Refusal(500, `DDO ${did} not found`);
  if (!oceanNodeAllows(asset.ddo.credentials, consumerAddress)) throw new Refusal(403, `Error: Access to asset ${did} was denied`);
  const stored = ctx.ddos.service(did, serviceId);
  if (!stored) throw new Refusal(500, `Cannot find service ${serviceId} in DDO ${did}`);

  const nodeAddress = ctx.options.provider.address;
  const datatoken = String(stored.service.datatokenAddress);
  const timeout = Number(stored.service.timeout ?? 0);
  item.datatoken = datatoken;
  item.chainId = asset.ddo.chainId;
  item.consumerAddress = nodeAddress;
  let feeHolds = false;
  if (typeof entry.transferTxId === 'string' && entry.transferTxId && ctx.chain) {
    const facts = await readNodeOrder(ctx.chain, entry.transferTxId, datatoken);
    if (facts && nodeOrderValid(facts, { datatoken, serviceIndex: stored.index, timeout, consumer: nodeAddress })) {
      item.validOrder = entry.transferTxId;
      feeHolds = nodeProviderFeeValid(facts, { datatoken, serviceId: String(stored.service.id) }, nodeAddress);
    }
  }
  if (!feeHolds) {
    item.providerFee = await nodeProviderFee(ctx.options.provider, { nodeAddress, datatoken, serviceId: String(stored.service.id), token: spec.feeToken, timeout });
  }
  return item;
}
