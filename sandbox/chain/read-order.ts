import { Interface, isHexString, type LogDescription, type Provider } from 'ethers';
import { abi } from './artifacts';
import { providerFeeSigner } from './provider-fee';
import { withProvider } from './rpc';
import { asAddress, asBigInt, asHex, sameAddress } from './values';

/** `OrderStarted(consumer, payer, amount, serviceIndex, timestamp, publishMarketAddress, blockNumber)`. */
export interface OrderStartedEvent {
  consumer: string;
  payer: string;
  amount: bigint;
  serviceIndex: bigint;
  timestamp: bigint;
  publishMarketAddress: string;
  blockNumber: bigint;
}

/** `OrderReused(orderTxId, caller, timestamp, number)`. */
export interface OrderReusedEvent {
  orderTxId: string;
  caller: string;
  timestamp: bigint;
  number: bigint;
}

/** `ProviderFee(...)` plus the address that signed it. */
export interface ProviderFeeEvent {
  providerFeeAddress: string;
  providerFeeToken: string;
  providerFeeAmount: bigint;
  providerData: string;
  v: number;
  r: string;
  s: string;
  validUntil: bigint;
  /** Recovered from the signature; null when it does not recover (the contract checks it at order time). */
  signer: string | null;
}

/** One order transaction as a Provider / Ocean Node sees it when it validates a `transferTxId`. */
export interface OrderFacts {
  txHash: string;
  /** The datatoken whose events were read; events of other contracts in the tx are ignored. */
  datatoken: string;
  /** Receipt status: 1 success, 0 reverted (a reverted tx has no events). */
  status: number;
  from: string;
  to: string | null;
  blockNumber: number;
  blockTimestamp: number;
  /** The first OrderStarted of this datatoken in the tx, if any. */
  orderStarted: OrderStartedEvent | null;
  orderReused: OrderReusedEvent | null;
  providerFee: ProviderFeeEvent | null;
  /**
   * For a reuse, the transaction OrderReused.orderTxId names, read the same way (its own
   * `original` is never followed further); null when this is no reuse or that tx is not on chain.
   */
  original: OrderFacts | null;
}

const datatokenEvents = new Interface(abi('ERC20Template'));

/** Reads a mined transaction's order events for `datatokenAddress`; null when no such mined tx exists. */
export async function readOrder(rpc: string | Provider, txHash: string, datatokenAddress: string): Promise<OrderFacts | null> {
  if (!isHexString(txHash, 32)) return null;
  return withProvider(rpc, async (provider) => {
    const facts = await readOne(provider, txHash, datatokenAddress);
    if (facts?.orderReused) facts.original = await readOne(provider, facts.orderReused.orderTxId, datatokenAddress);
    return facts;
  });
}

async function readOne(provider: Provider, txHash: string, datatokenAddress: string): Promise<OrderFacts | null> {
  const [receipt, tx] = await Promise.all([provider.getTransactionReceipt(txHash), provider.getTransaction(txHash)]);
  if (!receipt || !tx) return null;
  const block = await provider.getBlock(receipt.blockNumber);
  if (!block) return null;

  const events: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (!sameAddress(log.address, datatokenAddress)) continue;
    const parsed = datatokenEvents.parseLog(log);
    if (parsed) events.push(parsed);
  }
  const first = (name: string): LogDescription | undefined => events.find((event) => event.name === name);
  const started = first('OrderStarted');
  const reused = first('OrderReused');
  const fee = first('ProviderFee');
  return {
    txHash: receipt.hash,
    datatoken: asAddress(datatokenAddress, 'datatoken'),
    status: receipt.status ?? 0,
    from: asAddress(tx.from, 'tx.from'),
    to: tx.to ? asAddress(tx.to, 'tx.to') : null,
    blockNumber: receipt.blockNumber,
    blockTimestamp: block.timestamp,
    orderStarted: started ? orderStarted(started) : null,
    orderReused: reused ? orderReused(reused) : null,
    providerFee: fee ? providerFee(fee) : null,
    original: null,
  };
}

function orderStarted({ args }: LogDescription): OrderStartedEvent {
  return {
    consumer: asAddress(args.getValue('consumer'), 'OrderStarted.consumer'),
    payer: asAddress(args.getValue('payer'), 'OrderStarted.payer'),
    amount: asBigInt(args.getValue('amount'), 'OrderStarted.amount'),
    serviceIndex: asBigInt(args.getValue('serviceIndex'), 'OrderStarted.serviceIndex'),
    timestamp: asBigInt(args.getValue('timestamp'), 'OrderStarted.timestamp'),
    publishMarketAddress: asAddress(args.getValue('publishMarketAddress'), 'OrderStarted.publishMarketAddress'),
    blockNumber: asBigInt(args.getValue('blockNumber'), 'OrderStarted.blockNumber'),
  };
}

function orderReused({ args }: LogDescription): OrderReusedEvent {
  return {
    orderTxId: asHex(args.getValue('orderTxId'), 'OrderReused.orderTxId'),
    caller: asAddress(args.getValue('caller'), 'OrderReused.caller'),
    timestamp: asBigInt(args.getValue('timestamp'), 'OrderReused.timestamp'),
    number: asBigInt(args.getValue('number'), 'OrderReused.number'),
  };
}

function providerFee({ args }: LogDescription): ProviderFeeEvent {
  const fields = {
    providerFeeAddress: asAddress(args.getValue('providerFeeAddress'), 'ProviderFee.providerFeeAddress'),
    providerFeeToken: asAddress(args.getValue('providerFeeToken'), 'ProviderFee.providerFeeToken'),
    providerFeeAmount: asBigInt(args.getValue('providerFeeAmount'), 'ProviderFee.providerFeeAmount'),
    providerData: asHex(args.getValue('providerData'), 'ProviderFee.providerData'),
    v: Number(asBigInt(args.getValue('v'), 'ProviderFee.v')),
    r: asHex(args.getValue('r'), 'ProviderFee.r'),
    s: asHex(args.getValue('s'), 'ProviderFee.s'),
    validUntil: asBigInt(args.getValue('validUntil'), 'ProviderFee.validUntil'),
  };
  return { ...fields, signer: recoveredSigner(fields) };
}

function recoveredSigner(fields: Omit<ProviderFeeEvent, 'signer'>): string | null {
  try {
    return providerFeeSigner(fields);
  } catch {
    return null;
  }
}
