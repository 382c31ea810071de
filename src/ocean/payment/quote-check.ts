import { ZeroAddress, formatUnits, parseUnits } from 'ethers';
import { sameAddress, type ComputeEnvironment } from '../environments';
import { OceanError } from '../errors';
import type { StartJobRequest } from '../job-request';
import type { EscrowQuote, ProviderFee } from './types';

/** What the wallet knows for itself when a backend quotes a price: nothing here comes from the quote. */
export interface QuoteContext {
  chainId: number;
  environment: ComputeEnvironment;
  /** The backend's own address, from its root answer (`GET /`). */
  providerAddress?: string;
  /** The Escrow contract of the chain: set on the connection, or Ocean's deployment. */
  escrowAddress?: string;
  /** Seconds past the job's duration a lock may last, for the node's claim. */
  claimSeconds: number;
  request: StartJobRequest;
  decimals(token: string): Promise<number>;
}

/** Prices may differ from ours by rounding; a quote may exceed the local price by 1 % at most. */
const TOLERANCE_DIVISOR = 100n;

function refused(what: string, details: Record<string, unknown>): OceanError {
  return new OceanError('PAYMENT_REFUSED', `Nothing was paid: the backend's price quote was refused, ${what}`, { details });
}

/** Who may be paid: the backend's own address, or (when its root answer names none) the environment's. */
function expectedPayee(ctx: QuoteContext): string {
  const payee = ctx.providerAddress || ctx.environment.consumerAddress;
  if (!payee) throw refused('because the backend names no provider address to pay', { field: 'payee' });
  return payee;
}

const withTolerance = (wei: bigint): bigint => wei + wei / TOLERANCE_DIVISOR;

/** Token units (a JS number from the environment's prices) in base units. */
function toBaseUnits(tokens: number, decimals: number): bigint {
  if (!Number.isFinite(tokens) || tokens < 0 || tokens >= 1e21) throw refused(`because the environment's prices make no sensible amount (${tokens})`, { field: 'amount' });
  return parseUnits(tokens.toFixed(decimals), decimals);
}

/** The job's duration as Ocean Node prices it: the asked seconds within the environment's limits. */
export function pricedSeconds(env: ComputeEnvironment, asked: number | undefined): number {
  const capped = Math.min(asked ?? env.maxJobDuration ?? 0, env.maxJobDuration ?? Infinity);
  return Math.max(capped, env.minJobDuration ?? 0);
}

/**
 * Ocean Node's price of a paid job, computed from the environment's own list: for each priced
 * resource, price per minute × the amount asked (else the environment's minimum) × started
 * minutes of the duration. In the token's base units.
 */
export function localEscrowPrice(env: ComputeEnvironment, token: string, request: StartJobRequest, decimals: number): bigint {
  const prices = Object.entries(env.resourcePrices ?? {}).find(([feeToken]) => sameAddress(feeToken, token))?.[1];
  if (!prices) throw refused(`because environment ${env.id} lists no prices for token ${token}`, { field: 'token', got: token, expected: env.feeTokens });
  const minutes = Math.ceil(pricedSeconds(env, request.maxJobDuration) / 60);
  const perMinute = prices.reduce((sum, { id, price }) => {
    const asked = request.resources?.find((r) => r.id === id)?.amount;
    const amount = asked ?? env.resources.find((r) => r.id === id)?.min ?? 0;
    return sum + price * amount;
  }, 0);
  return toBaseUnits(perMinute * minutes, decimals);
}

/**
 * Checks Ocean Node's escrow quote against what the wallet knows before any transaction: the
 * payee is the backend's address, the token one the environment takes (and the one asked for),
 * the escrow contract the chain's, the amount no more than the local price, and the lock no
 * longer than the job plus the claim time. Answers the local price.
 */
export async function checkEscrowQuote(quote: EscrowQuote, ctx: QuoteContext): Promise<bigint> {
  const payee = expectedPayee(ctx);
  if (!sameAddress(quote.payee, payee)) throw refused(`because it pays ${quote.payee}, not the backend's address ${payee}`, { field: 'payee', expected: payee, got: quote.payee });
  if (Number(quote.chainId) !== ctx.chainId) throw refused(`because it is for chain ${quote.chainId}, not ${ctx.chainId}`, { field: 'chainId', expected: ctx.chainId, got: quote.chainId });
  const asked = ctx.request.payment?.token;
  if ((asked && !sameAddress(quote.token, asked)) || !ctx.environment.feeTokens.some((t) => sameAddress(t, quote.token))) {
    throw refused(`because token ${quote.token} is not the fee token asked for`, { field: 'token', expected: asked ?? ctx.environment.feeTokens, got: quote.token });
  }
  if (!ctx.escrowAddress) {
    throw refused(`because no Escrow contract is known for chain ${ctx.chainId}; set the escrow address in the connection`, { field: 'escrowAddress', got: quote.escrowAddress });
  }
  if (!sameAddress(quote.escrowAddress, ctx.escrowAddress)) {
    throw refused(`because escrow ${quote.escrowAddress} is not the chain's Escrow contract ${ctx.escrowAddress}`, { field: 'escrowAddress', expected: ctx.escrowAddress, got: quote.escrowAddress });
  }
  const decimals = await ctx.decimals(quote.token);
  const price = localEscrowPrice(ctx.environment, quote.token, ctx.request, decimals);
  const amount = BigInt(quote.amount);
  if (amount > withTolerance(price)) {
    throw refused(`because it asks ${formatUnits(amount, decimals)} where the environment's prices make ${formatUnits(price, decimals)}`, {
      field: 'amount',
      expected: formatUnits(price, decimals),
      got: formatUnits(amount, decimals),
      token: quote.token,
    });
  }
  const maxLock = pricedSeconds(ctx.environment, ctx.request.maxJobDuration) + ctx.claimSeconds;
  if (!Number.isFinite(quote.minLockSeconds) || quote.minLockSeconds > maxLock) {
    throw refused(`because it wants funds locked for ${quote.minLockSeconds} s, more than the job's duration plus ${ctx.claimSeconds} s to claim (${maxLock} s)`, {
      field: 'minLockSeconds',
      expected: maxLock,
      got: quote.minLockSeconds,
    });
  }
  return price;
}

export interface QuotedFee {
  /** The asset it is for ("datasets[0]", "algorithm"). */
  field: string;
  fee: ProviderFee;
}

/**
 * Checks the provider fees of an initialize answer: each goes to the backend's own address, in
 * the environment's fee token, and together they cost no more than `bound` (in base units of
 * that token). A fee of 0 may name any token: nothing is transferred.
 */
export async function checkProviderFees(fees: QuotedFee[], ctx: QuoteContext, bound: (token: string, decimals: number) => bigint): Promise<void> {
  const paying = fees.filter(({ fee }) => BigInt(fee.providerFeeAmount) > 0n);
  if (paying.length === 0) return;
  const payee = expectedPayee(ctx);
  for (const { field, fee } of paying) {
    if (!sameAddress(fee.providerFeeAddress, payee)) {
      throw refused(`because the provider fee of ${field} goes to ${fee.providerFeeAddress}, not the backend's address ${payee}`, { field: `${field}.providerFeeAddress`, expected: payee, got: fee.providerFeeAddress });
    }
    if (sameAddress(fee.providerFeeToken, ZeroAddress) || !ctx.environment.feeTokens.some((t) => sameAddress(t, fee.providerFeeToken))) {
      throw refused(`because the provider fee of ${field} is in token ${fee.providerFeeToken}, which the environment does not take`, { field: `${field}.providerFeeToken`, expected: ctx.environment.feeTokens, got: fee.providerFeeToken });
    }
  }
  const token = paying[0]?.fee.providerFeeToken ?? '';
  if (paying.some(({ fee }) => !sameAddress(fee.providerFeeToken, token))) {
    throw refused('because its provider fees are in different tokens', { field: 'providerFeeToken', got: paying.map(({ fee }) => fee.providerFeeToken) });
  }
  const decimals = await ctx.decimals(token);
  const total = paying.reduce((sum, { fee }) => sum + BigInt(fee.providerFeeAmount), 0n);
  const limit = bound(token, decimals);
  if (total > withTolerance(limit)) {
    throw refused(`because its provider fees come to ${formatUnits(total, decimals)} where the environment's price makes ${formatUnits(limit, decimals)}`, {
      field: 'providerFeeAmount',
      expected: formatUnits(limit, decimals),
      got: formatUnits(total, decimals),
      token,
    });
  }
}

/** Provider v2's environment fee for `seconds`: priceMin per minute, in base units (0 without a fee token). */
export function localV2Fee(env: ComputeEnvironment, seconds: number, decimals: number): bigint {
  const token = env.feeTokens[0];
  if (!token || sameAddress(token, ZeroAddress)) return 0n;
  const priceMin = env.pricePerMinute[token] ?? 0;
  return toBaseUnits((Math.max(0, seconds) * priceMin) / 60, decimals);
}
