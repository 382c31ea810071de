import type { Contract, ContractTransactionResponse, TransactionReceipt } from 'ethers';
import { OceanError } from '../errors';
import { shortReason, withTimeout } from './chain';

/**
 * Sends one contract call and waits (bounded) for it to be mined. Every failure says what was
 * being paid for; once a transaction exists its hash is kept on the error, so nothing paid
 * for is lost if the wait fails.
 */
export async function sendTransaction(contract: Contract, method: string, args: unknown[], what: string, receiptTimeoutMs: number): Promise<string> {
  let response: ContractTransactionResponse;
  try {
    response = await sendOnce(contract, method, args);
  } catch (error) {
    throw transactionError(error, what);
  }
  try {
    const receipt = await withTimeout(minedReceipt(response, receiptTimeoutMs), receiptTimeoutMs);
    // Worded as ethers words a reverted receipt.
    if (receipt.status !== 1) throw Object.assign(new Error('transaction execution reverted'), { code: 'CALL_EXCEPTION' });
  } catch (error) {
    const timedOut = error instanceof Error && /no answer within/.test(error.message);
    throw new OceanError(
      timedOut ? 'TIMEOUT' : 'TRANSACTION_FAILED',
      timedOut
        ? `Could not ${what}: transaction ${response.hash} was not mined within ${receiptTimeoutMs} ms; it may still be mined, check it before paying again`
        : `Could not ${what}: transaction ${response.hash} failed (${shortReason(error)})`,
      { details: { txHash: response.hash } },
    );
  }
  return response.hash;
}

/** Between two reads of a transaction's receipt: short at first (a dev chain mines at once), then up to a second. */
export function receiptPollMs(read: number): number {
  return Math.min(1000, 50 * 2 ** read);
}

/**
 * The transaction's receipt, read until it is there, bounded by `ms`. Not ethers' wait(): that
 * waits for a block after its first look, and a chain that mines only on demand (anvil, hardhat)
 * makes none when the transaction was mined between the two, so the wait hung until its timeout.
 */
async function minedReceipt(response: ContractTransactionResponse, ms: number): Promise<TransactionReceipt> {
  const end = Date.now() + ms;
  for (let read = 0; ; read++) {
    const receipt = await response.provider.getTransactionReceipt(response.hash);
    if (receipt) return receipt;
    if (Date.now() >= end) throw new Error(`no answer within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, receiptPollMs(read)));
  }
}

/**
 * Sends the call; when the wallet's nonce moved on elsewhere (another program, another Node-RED
 * with the same key), the nonce is read again from the chain and the call sent once more.
 */
async function sendOnce(contract: Contract, method: string, args: unknown[]): Promise<ContractTransactionResponse> {
  try {
    return await sendWithGasMargin(contract, method, args);
  } catch (error) {
    const runner = contract.runner as { reset?: () => void } | null;
    if ((error as { code?: unknown }).code !== 'NONCE_EXPIRED' || typeof runner?.reset !== 'function') throw error;
    runner.reset();
    return await sendWithGasMargin(contract, method, args);
  }
}

/**
 * The gas an estimate leaves room for. An estimate holds for the chain as it was: when the node
 * locks this wallet's escrow funds before a deposit is mined, the deposit writes a balance that
 * went to zero (measured on the Escrow contract: 65,031 gas estimated, 82,131 needed), and with
 * the bare estimate it runs out of gas and reverts. Only the gas used is paid.
 */
export function withGasMargin(estimate: bigint): bigint {
  return estimate + estimate / 4n + 30_000n;
}

async function sendWithGasMargin(contract: Contract, method: string, args: unknown[]): Promise<ContractTransactionResponse> {
  const call = contract.getFunction(method);
  const gasLimit = withGasMargin(await call.estimateGas(...args));
  return (await call.send(...args, { gasLimit })) as ContractTransactionResponse;
}

function transactionError(error: unknown, what: string): OceanError {
  const reason = revertReason(error);
  const code = (error as { code?: unknown }).code;
  if (code === 'INSUFFICIENT_FUNDS') {
    return new OceanError('INSUFFICIENT_FUNDS', `Could not ${what}: the wallet has not enough of the chain's native coin to pay for gas`);
  }
  if (code === 'NETWORK_ERROR' || code === 'TIMEOUT' || (error instanceof Error && /ECONNREFUSED|fetch failed/.test(error.message))) {
    return new OceanError('UNREACHABLE', `Could not ${what}: the RPC does not answer (${shortReason(error)})`);
  }
  return new OceanError('TRANSACTION_FAILED', `Could not ${what}: the transaction would revert${reason ? ` with "${reason}"` : ` (${shortReason(error)})`}`, {
    details: reason ? { reason } : undefined,
  });
}

function revertReason(error: unknown): string | undefined {
  const { reason, shortMessage } = (error ?? {}) as { reason?: unknown; shortMessage?: unknown };
  if (typeof reason === 'string' && reason) return reason;
  if (typeof shortMessage === 'string') {
    const quoted = /reverted with reason string "([^"]+)"|execution reverted: "?([^"]+)"?/.exec(shortMessage);
    return quoted?.[1] ?? quoted?.[2];
  }
  return undefined;
}
