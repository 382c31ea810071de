import { isAddress } from '../address';
import { invalidConfig } from '../errors';
import { isRecord } from '../server-message';
import type { BudgetRule } from './budget';

const AMOUNT = /^\d+(\.\d+)?$/;
const PERIOD = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?$/i;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * The connection's budgets: a list (or its JSON text, as `${OCEAN_BUDGETS}` gives it) of rows
 * `{token, perJob, limit, period}`. Amounts are token units ("5", "0.5"); a period is seconds or
 * "30m", "1h", "24h", "7d". Every error names the row and the field.
 */
export function parseBudgets(input: unknown): BudgetRule[] {
  if (input === undefined || input === null || input === '') return [];
  let rows: unknown = input;
  if (typeof input === 'string') {
    try {
      rows = JSON.parse(input);
    } catch {
      throw invalidConfig('budgets', 'a list of budgets as JSON, such as [{"token": "0x…", "perJob": "5", "limit": "20", "period": "24h"}]', input);
    }
  }
  if (!Array.isArray(rows)) throw invalidConfig('budgets', 'a list of budgets', rows);
  return rows.map((row, index) => parseRow(row, `budgets[${index}]`));
}

function parseRow(row: unknown, field: string): BudgetRule {
  if (!isRecord(row)) throw invalidConfig(field, 'an object {token, perJob, limit, period}', row);
  const text = (key: string): string => String(row[key] ?? '').trim();
  const token = text('token') || '*';
  if (token !== '*' && !isAddress(token)) throw invalidConfig(`${field}.token`, 'a token address (0x…), or * for any other token', token);
  const amount = (key: string): string | undefined => {
    const value = text(key);
    if (value === '') return undefined;
    if (!AMOUNT.test(value)) throw invalidConfig(`${field}.${key}`, 'an amount of tokens of 0 or more, such as 5 or 0.5', value);
    return value;
  };
  const perJob = amount('perJob');
  const limit = amount('limit');
  if (perJob === undefined && limit === undefined) throw invalidConfig(field, 'a maximum per job (perJob), or per period (limit and period), or both', undefined, { hideValue: true });
  const rule: BudgetRule = { field, token: token === '*' ? '*' : token.toLowerCase(), ...(perJob !== undefined ? { perJob } : {}) };
  if (limit !== undefined) {
    const period = PERIOD.exec(text('period'));
    const seconds = period ? Number(period[1]) * (UNIT_SECONDS[(period[2] ?? 's').toLowerCase()] ?? NaN) : NaN;
    if (!Number.isFinite(seconds) || seconds < 1) throw invalidConfig(`${field}.period`, 'a period such as 1h, 24h, 7d or a number of seconds', text('period'));
    rule.limit = limit;
    rule.windowSeconds = Math.round(seconds);
    rule.period = period?.[2] ? `${period[1]}${period[2].toLowerCase()}` : `${period?.[1] ?? seconds}s`;
  }
  return rule;
}
