import { formatUnits } from 'ethers';
import { sameAddress } from '../environments';
import type { OceanErrorInfo } from '../errors';
import type { StartJobRequest } from '../job-request';
import type { BudgetVerdict } from './budget';
import type { ChainAccess } from './chain';
import type { PaymentPlan } from './pay';

export interface QuotedCost {
  token: string;
  symbol?: string;
  decimals: number;
  /** Token units, as a decimal string ("1.5"). */
  amount: string;
  /** Base units, as a decimal string. */
  raw: string;
}

export interface QuotedOrder {
  field: string;
  did: string;
  serviceId: string;
  /** given: paid before (transferTxId); reuse: a valid order, nothing to pay; renew: a valid order, its provider fee again; order: a new order. */
  action: 'given' | 'reuse' | 'renew' | 'order';
  validOrder?: string;
}

/** What a start would commit, without starting or paying. */
export interface JobQuote {
  free: boolean;
  environment: string;
  /** In `token` units: the escrow's token on Ocean Node, the provider fee token on Provider v2; 0 when nothing is paid in it. */
  cost: number;
  token?: string;
  /** Everything committed, per token (datatokens included). */
  costs: QuotedCost[];
  orders: QuotedOrder[];
  escrow?: { token: string; amount: string; raw: string; lockSeconds: number; payee: string };
  budget: { allowed: boolean; refusal?: OceanErrorInfo };
}

/** The plan in units a flow can switch on; `plan` is undefined for a start that pays nothing. */
export async function describeQuote(request: StartJobRequest, plan: PaymentPlan | undefined, chain: ChainAccess | undefined, verdict: BudgetVerdict): Promise<JobQuote> {
  const budget = { allowed: verdict.allowed, ...(verdict.refusal ? { refusal: verdict.refusal.info() } : {}) };
  const base = { free: request.free === true, environment: request.environment };
  if (!plan || !chain) return { ...base, cost: 0, costs: [], orders: [], budget };
  const costs: QuotedCost[] = [];
  for (const cost of plan.costs) {
    const [decimals, symbol] = await Promise.all([chain.decimals(cost.token), chain.symbol(cost.token)]);
    costs.push({ token: cost.token, ...(symbol ? { symbol } : {}), decimals, amount: formatUnits(cost.amount, decimals), raw: cost.amount.toString() });
  }
  const token = plan.escrow?.token ?? plan.orders.find((o) => o.item?.providerFee)?.item?.providerFee?.providerFeeToken;
  const main = token ? costs.find((c) => sameAddress(c.token, token)) : undefined;
  const orders = plan.orders.map(({ asset, item, action }): QuotedOrder => ({
    field: asset.field,
    did: asset.input.did,
    serviceId: asset.service.id,
    action: asset.input.transferTxId && !item ? 'given' : action === 'none' ? 'given' : action,
    ...(item?.validOrder ? { validOrder: item.validOrder } : {}),
  }));
  const escrow = plan.escrow
    ? { token: plan.escrow.token, amount: formatUnits(BigInt(plan.escrow.amount), await chain.decimals(plan.escrow.token)), raw: plan.escrow.amount, lockSeconds: plan.escrow.minLockSeconds, payee: plan.escrow.payee }
    : undefined;
  return { ...base, cost: main ? Number(main.amount) : 0, ...(token ? { token } : {}), costs, orders, ...(escrow ? { escrow } : {}), budget };
}
