import { Contract, formatUnits } from 'ethers';
import { OceanError } from '../errors';
import { ERC20_ABI, ESCROW_ABI } from './abi';
import type { BudgetRoom } from './budget';
import type { ChainAccess } from './chain';
import { sendTransaction } from './transactions';

export interface TokenHolding {
  token: string;
  symbol?: string;
  decimals: number;
  /** In the wallet, token units. */
  balance: string;
  /** In the escrow (Ocean Node paid jobs), token units: free to use or withdraw, and locked for jobs. */
  escrow?: { available: string; locked: string };
}

/** The wallet as a flow sees it: what it holds, what sits in the escrow, and the budgets' room. */
export interface AccountView {
  address: string;
  chainId: number;
  /** The chain's own coin (gas), in its units. */
  native: string;
  tokens: TokenHolding[];
  budgets: BudgetRoom[];
}

export interface Withdrawal {
  token: string;
  /** Token units withdrawn; "0" when nothing was available. */
  amount: string;
  tx?: string;
  /** What stays in the escrow afterwards. */
  escrow: { available: string; locked: string };
}

interface Funds {
  available: bigint;
  locked: bigint;
}

/** Balances of `tokens` (and of every token the escrow holds for the wallet), read in one go. */
export async function readHoldings(chain: ChainAccess, tokens: string[], escrowAddress: string | undefined): Promise<TokenHolding[]> {
  await chain.ready();
  const escrow = escrowAddress ? new Contract(escrowAddress, ESCROW_ABI, chain.provider) : undefined;
  const inEscrow = escrow ? ((await escrow.getFunction('getUserTokens')(chain.address)) as string[]) : [];
  const all = [...new Map([...tokens, ...inEscrow].map((t) => [t.toLowerCase(), t])).values()];
  return Promise.all(
    all.map(async (token): Promise<TokenHolding> => {
      const [decimals, symbol, balance, funds] = await Promise.all([
        chain.decimals(token),
        chain.symbol(token),
        new Contract(token, ERC20_ABI, chain.provider).getFunction('balanceOf')(chain.address) as Promise<bigint>,
        escrow ? (escrow.getFunction('getUserFunds')(chain.address, token) as Promise<Funds>) : undefined,
      ]);
      return {
        token,
        ...(symbol ? { symbol } : {}),
        decimals,
        balance: formatUnits(balance, decimals),
        ...(funds ? { escrow: { available: formatUnits(funds.available, decimals), locked: formatUnits(funds.locked, decimals) } } : {}),
      };
    }),
  );
}

/**
 * Takes funds the escrow holds for the wallet back into it: `amount` (base units), or everything
 * available. Funds locked for jobs stay; asking for more than is available is refused.
 */
export async function withdrawFromEscrow(chain: ChainAccess, escrowAddress: string, token: string, amount: bigint | undefined, receiptTimeoutMs: number): Promise<Withdrawal> {
  await chain.ready();
  const escrow = new Contract(escrowAddress, ESCROW_ABI, chain.signer);
  const decimals = await chain.decimals(token);
  const units = (value: bigint): string => formatUnits(value, decimals);
  return chain.queue.run(async () => {
    const funds = (await escrow.getFunction('getUserFunds')(chain.address, token)) as Funds;
    const wanted = amount ?? funds.available;
    if (wanted > funds.available) {
      throw new OceanError('INSUFFICIENT_FUNDS', `Could not withdraw ${units(wanted)} of token ${token}: the escrow holds ${units(funds.available)} available for wallet ${chain.address}; ${units(funds.locked)} is locked for jobs`, {
        details: { field: 'amount', needed: units(wanted), available: units(funds.available), locked: units(funds.locked), token },
      });
    }
    if (wanted === 0n) return { token, amount: '0', escrow: { available: units(funds.available), locked: units(funds.locked) } };
    const tx = await sendTransaction(escrow, 'withdraw', [[token], [wanted]], `withdraw ${units(wanted)} of token ${token} from the escrow`, receiptTimeoutMs);
    const after = (await escrow.getFunction('getUserFunds')(chain.address, token)) as Funds;
    return { token, amount: units(wanted), tx, escrow: { available: units(after.available), locked: units(after.locked) } };
  });
}
