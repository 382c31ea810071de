import { Contract, formatUnits, ZeroAddress } from 'ethers';
import type { DdoService } from '../ddo';
import { OceanError } from '../errors';
import { DATATOKEN_ABI, ERC20_ABI } from './abi';
import type { ChainAccess } from './chain';
import { sendTransaction } from './transactions';
import type { InitializeItem, ProviderFee } from './types';

/** What `startOrder` takes from the payer: one datatoken. */
export const ONE_DATATOKEN = 10n ** 18n;

/** What one initialize line asks: nothing (a valid order), renew a valid order's fee, or a new order. */
export type OrderAction = 'none' | 'reuse' | 'renew' | 'order';

export function orderAction(item: InitializeItem): OrderAction {
  if (item.validOrder && !item.providerFee) return 'reuse';
  if (item.validOrder) return 'renew';
  return 'order';
}

export interface OrderTarget {
  field: string;
  did: string;
  service: DdoService;
  /** Who the order is for: the compute environment's consumerAddress (protocol doc 6.1). */
  consumer: string;
}

/**
 * ocean.py's and ocean.js's rule for one initializeCompute line: a valid order without a new
 * fee is reused as it is; with a fee, `reuseOrder` pays the fee; otherwise `startOrder` spends
 * one datatoken and pays the fee. Resolves with the transferTxId for the start request.
 */
export async function payForAsset(chain: ChainAccess, item: InitializeItem, target: OrderTarget, receiptTimeoutMs: number): Promise<string> {
  if (item.validOrder && orderAction(item) === 'reuse') return item.validOrder;
  const datatokenAddress = item.datatoken ?? target.service.datatokenAddress;
  if (!datatokenAddress || !item.providerFee) {
    throw new OceanError('BAD_RESPONSE', `${target.field}: initializeCompute gave neither a valid order nor a provider fee for ${target.did}`);
  }
  const fee = item.providerFee;
  const datatoken = new Contract(datatokenAddress, DATATOKEN_ABI, chain.signer);
  return chain.queue.run(async () => {
    await approveFee(chain, datatokenAddress, fee, target, receiptTimeoutMs);
    if (item.validOrder) {
      return sendTransaction(datatoken, 'reuseOrder', [item.validOrder, feeTuple(fee)], `renew the order of ${target.field} (${target.did})`, receiptTimeoutMs);
    }
    const held = (await datatoken.getFunction('balanceOf')(chain.address)) as bigint;
    if (held < ONE_DATATOKEN) {
      throw new OceanError('INSUFFICIENT_FUNDS', `${target.field}: an order takes 1 datatoken of ${target.did}; wallet ${chain.address} holds ${formatUnits(held, 18)}`, {
        details: { field: target.field, needed: '1', available: formatUnits(held, 18), token: datatokenAddress },
      });
    }
    return sendTransaction(
      datatoken,
      'startOrder',
      [target.consumer, target.service.index, feeTuple(fee), [ZeroAddress, ZeroAddress, 0]],
      `order ${target.field} (${target.did})`,
      receiptTimeoutMs,
    );
  });
}

/** The datatoken pulls the provider fee from the payer: allow it first, when there is a fee. */
async function approveFee(chain: ChainAccess, spender: string, fee: ProviderFee, target: OrderTarget, receiptTimeoutMs: number): Promise<void> {
  const amount = BigInt(fee.providerFeeAmount);
  if (amount === 0n) return;
  const token = new Contract(fee.providerFeeToken, ERC20_ABI, chain.signer);
  const [balance, allowance] = (await Promise.all([token.getFunction('balanceOf')(chain.address), token.getFunction('allowance')(chain.address, spender)])) as [bigint, bigint];
  if (balance < amount) {
    throw new OceanError('INSUFFICIENT_FUNDS', `${target.field}: the provider fee is ${formatUnits(amount, 18)} of token ${fee.providerFeeToken}; wallet ${chain.address} holds ${formatUnits(balance, 18)}`, {
      details: { field: target.field, needed: formatUnits(amount, 18), available: formatUnits(balance, 18), token: fee.providerFeeToken },
    });
  }
  if (allowance >= amount) return;
  await sendTransaction(token, 'approve', [spender, amount], `allow the provider fee of ${target.field}`, receiptTimeoutMs);
}

function feeTuple(fee: ProviderFee): unknown[] {
  return [fee.providerFeeAddress, fee.providerFeeToken, BigInt(fee.providerFeeAmount), fee.v, fee.r, fee.s, BigInt(fee.validUntil), fee.providerData];
}
