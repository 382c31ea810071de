import { ContractFactory, type Contract, type NonceManager, type TransactionReceipt, type TransactionResponse } from 'ethers';
import { artifact, type ContractName } from './artifacts';

/** anvil mines on arrival; a receipt that takes longer than this means something is wrong. */
const RECEIPT_TIMEOUT_MS = 10_000;

/** Waits (bounded) for a transaction's receipt and throws unless it succeeded. */
export async function confirmed(response: TransactionResponse | null, what: string): Promise<TransactionReceipt> {
  if (!response) throw new Error(`${what}: no transaction was sent`);
  const receipt = await response.wait(1, RECEIPT_TIMEOUT_MS);
  if (!receipt) throw new Error(`${what}: transaction ${response.hash} has no receipt`);
  if (receipt.status !== 1) throw new Error(`${what}: transaction ${response.hash} reverted`);
  return receipt;
}

/** Sends `contract.method(...args)` from the contract's runner and waits for success. */
export async function send(contract: Contract, method: string, args: readonly unknown[], signer: NonceManager): Promise<TransactionReceipt> {
  const what = `${method}() on ${String(contract.target)}`;
  try {
    const response = await contract.getFunction(method).send(...args);
    return await confirmed(response, what);
  } catch (error) {
    // NonceManager counts a nonce even when the send failed before signing (e.g. a revert in
    // estimateGas); start over from the chain's count so the next transaction is not stuck.
    signer.reset();
    throw error;
  }
}

/** Deploys an Ocean contract from its artifact and returns its address once mined. */
export async function deploy(name: ContractName, args: readonly unknown[], signer: NonceManager): Promise<string> {
  const { abi, bytecode } = artifact(name);
  try {
    const contract = await new ContractFactory(abi, bytecode, signer).deploy(...args);
    await confirmed(contract.deploymentTransaction(), `deploying ${name}`);
    return await contract.getAddress();
  } catch (error) {
    signer.reset();
    throw error;
  }
}
