import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { invalidInput, describeValue } from '../../ocean/errors';
import type { EnvironmentConstraints } from '../../ocean';
import { isRecord } from '../../ocean/server-message';
import { parse, readOption } from './options';

/** The constraint TypedInputs as the editor saves them (value + type for each). */
export interface ConstraintFields {
  tier?: string;
  tierType?: string;
  minCpu?: string;
  minCpuType?: string;
  minRam?: string;
  minRamType?: string;
  minDisk?: string;
  minDiskType?: string;
  minGpu?: string;
  minGpuType?: string;
  feeToken?: string;
  feeTokenType?: string;
  maxPrice?: string;
  maxPriceType?: string;
  needCapacity?: string;
  needCapacityType?: string;
}

export const ENVIRONMENTS_MODES = ['list', 'pick', 'account', 'withdraw'] as const;
export type EnvironmentsMode = (typeof ENVIRONMENTS_MODES)[number];

/** The node's Output (`msg.mode` when it is left blank); the default lists. */
export async function readMode(RED: NodeAPI, node: Node, msg: NodeMessage, config: { mode?: string; modeType?: string }): Promise<EnvironmentsMode> {
  return (await readOption(RED, node, msg, config, { field: 'mode', fallback: 'mode', parse: parse.oneOf(ENVIRONMENTS_MODES) })) ?? 'list';
}

type NumericKey = 'minCpu' | 'minRam' | 'minDisk' | 'minGpu' | 'maxPricePerMinute';

const NUMERIC_FIELDS: Array<{ key: NumericKey; field: keyof ConstraintFields & string }> = [
  { key: 'minCpu', field: 'minCpu' },
  { key: 'minRam', field: 'minRam' },
  { key: 'minDisk', field: 'minDisk' },
  { key: 'minGpu', field: 'minGpu' },
  { key: 'maxPricePerMinute', field: 'maxPrice' },
];

/**
 * The node's constraint fields evaluated for this message; `msg.constraints` fills only the
 * fields left blank (or "any") in the dialog, never narrows one the user set.
 */
export async function readConstraints(
  RED: NodeAPI,
  node: Node,
  msg: NodeMessage,
  fields: ConstraintFields,
): Promise<EnvironmentConstraints> {
  const override = (msg as { constraints?: unknown }).constraints;
  if (override !== undefined && !isRecord(override)) throw invalidInput('msg.constraints', 'an object such as {"free": true, "minCpu": 2}', override);
  const fromMessage = override ?? {};
  const read = async <T>(field: keyof ConstraintFields & string, key: string, convert: (value: unknown, name: string) => T | undefined): Promise<T | undefined> => {
    const value = await readOption(RED, node, msg, fields, { field, parse: (v) => v });
    const own = value === undefined || value === '' ? undefined : convert(value, field);
    if (own !== undefined) return own;
    return key in fromMessage ? convert(fromMessage[key], `msg.constraints.${key}`) : undefined;
  };
  const constraints: EnvironmentConstraints = {};
  constraints.free = await read('tier', 'free', toTier);
  for (const { key, field } of NUMERIC_FIELDS) constraints[key] = await read(field, key, parse.number);
  constraints.feeToken = await read('feeToken', 'feeToken', toAddress);
  constraints.needCapacity = await read('needCapacity', 'needCapacity', toBoolean);
  return withoutUndefined(constraints);
}

function toTier(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null || value === '' || value === 'any') return undefined;
  if (value === true || value === 'free') return true;
  if (value === false || value === 'paid') return false;
  throw invalidInput(field, '"any", "free", "paid" or a boolean', value);
}

function toAddress(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value.trim())) {
    throw invalidInput(field, 'a 0x-prefixed 20-byte token address', value);
  }
  return value.trim();
}

function toBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'required') return true;
  if (value === 'false' || value === 'any') return false;
  throw invalidInput(field, `true or false, not ${describeValue(value)}`, undefined, { hideValue: true });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
