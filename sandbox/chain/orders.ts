import { Contract, ZeroAddress, type NonceManager, type BaseWallet } from 'ethers';
import { abi } from './artifacts';
import { approveToken } from './erc20';
import { providerFeeTuple, type ProviderFee } from './provider-fee';
import { managedSigner } from './rpc';
import { send } from './tx';

export interface ConsumeMarketFee {
  consumeMarketFeeAddress: string;
  consumeMarketFeeToken: string;
  consumeMarketFeeAmount: bigint;
}

const NO_CONSUME_MARKET_FEE: ConsumeMarketFee = { consumeMarketFeeAddress: ZeroAddress, consumeMarketFeeToken: ZeroAddress, consumeMarketFeeAmount: 0n };

export interface StartOrderRequest {
  datatoken: string;
  /** Who the order is for; for compute, the environment's consumerAddress. */
  consumer: string;
  /** Position of the service in the DDO's `services`. */
  serviceIndex: number;
  providerFee: ProviderFee;
  consumeMarketFee?: ConsumeMarketFee;
}

/**
 * Sends `startOrder` from `payer` (who spends 1 datatoken), first approving the provider fee to
 * the datatoken when it is not zero, as ocean.js does. Resolves with the transaction hash, the
 * `transferTxId` for compute start.
 */
export async function startOrder(payer: BaseWallet, request: StartOrderRequest): Promise<string> {
  const signer = managedSigner(payer);
  await approveProviderFee(signer, request.datatoken, request.providerFee);
  const datatoken = new Contract(request.datatoken, abi('ERC20Template'), signer);
  const market = request.consumeMarketFee ?? NO_CONSUME_MARKET_FEE;
  const receipt = await send(
    datatoken,
    'startOrder',
    [request.consumer, request.serviceIndex, providerFeeTuple(request.providerFee), [market.consumeMarketFeeAddress, market.consumeMarketFeeToken, market.consumeMarketFeeAmount]],
    signer,
  );
  return receipt.hash;
}

export interface ReuseOrderRequest {
  datatoken: string;
  /** The startOrder transaction being extended. */
  orderTxId: string;
  providerFee: ProviderFee;
}

/** Sends `reuseOrder` (pays only the new provider fee); resolves with the new transaction hash. */
export async function reuseOrder(payer: BaseWallet, request: ReuseOrderRequest): Promise<string> {
  const signer = managedSigner(payer);
  await approveProviderFee(signer, request.datatoken, request.providerFee);
  const datatoken = new Contract(request.datatoken, abi('ERC20Template'), signer);
  const receipt = await send(datatoken, 'reuseOrder', [request.orderTxId, providerFeeTuple(request.providerFee)], signer);
  return receipt.hash;
}

async function approveProviderFee(signer: NonceManager, datatoken: string, fee: ProviderFee): Promise<void> {
  const amount = BigInt(fee.providerFeeAmount);
  if (amount === 0n || fee.providerFeeToken === ZeroAddress) return;
  await approveToken(signer, fee.providerFeeToken, datatoken, amount);
}
