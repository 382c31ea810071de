import { Contract, type ContractRunner, type NonceManager } from 'ethers';
import { send } from './tx';
import { asBigInt } from './values';

/** The ERC20 calls needed here, so any fee token works, not only Ocean's. */
const ERC20_ABI = ['function approve(address spender, uint256 amount) returns (bool)', 'function balanceOf(address account) view returns (uint256)'];

export async function approveToken(signer: NonceManager, token: string, spender: string, amount: bigint): Promise<void> {
  await send(new Contract(token, ERC20_ABI, signer), 'approve', [spender, amount], signer);
}

export async function tokenBalance(runner: ContractRunner, token: string, account: string): Promise<bigint> {
  const balance: unknown = await new Contract(token, ERC20_ABI, runner).getFunction('balanceOf').staticCall(account);
  return asBigInt(balance, `balanceOf(${account})`);
}
