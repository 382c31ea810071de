import type { ChainLink } from '../chain-link';
import type { SandboxContext } from '../context';
import { nodeOrderValid, readNodeOrder } from './orders';
import { Refusal } from './refusal';

type Body = Record<string, unknown>;

/**
 * A paid start's order checks (protocol doc 6.2), algorithm first, then the datasets, as the node
 * goes through them: every published asset needs a `transferTxId` whose order is valid for it.
 */
export async function checkStartOrders(ctx: SandboxContext, chain: ChainLink, algorithm: unknown, datasets: unknown): Promise<void> {
  const entries = [algorithm, ...(Array.isArray(datasets) ? (datasets as unknown[]) : [])];
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null || !(entry as Body).documentId) continue;
    const { documentId, serviceId, transferTxId } = entry as Body;
    const did = String(documentId);
    const stored = ctx.ddos.service(did, String(serviceId));
    if (!stored) throw new Refusal(500, `DDO ${did} not found`);
    if (typeof transferTxId !== 'string' || !transferTxId) throw new Refusal(500, `Missing transferTxId for DDO ${did}`);
    const datatoken = String(stored.service.datatokenAddress);
    const facts = await readNodeOrder(chain, transferTxId, datatoken);
    const terms = { datatoken, serviceIndex: stored.index, timeout: Number(stored.service.timeout ?? 0), consumer: ctx.options.provider.address };
    if (!nodeOrderValid(facts, terms)) {
      throw new Refusal(500, `TxId Service ${transferTxId} is not valid for DDO ${did} and service ${String(stored.service.id)}`);
    }
  }
}
