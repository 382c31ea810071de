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

export type EnvironmentsMode = 'list' | 'pick';

/** `msg.mode` wins over the node's setting; the default lists. */
export async function readMode(RED: NodeAPI, node: Node, msg: NodeMessage, config: { mode?: string; modeType?: string }): Promise<EnvironmentsMode> {
  return (await readOption(RED, node, msg, config, { field: 'mode', msg: 'mode', parse: parse.oneOf(['list', 'pick'] as const) })) ?? 'list';
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
 * The node's constraint fields evaluated for this message, then `msg.constraints` on top: a
 * property present there overrides the node's setting for this message only.
 */
export async function readConstraints(
  RED: NodeAPI,
  node: Node,
  msg: NodeMessage,
  fields: ConstraintFields,
): Promise<EnvironmentConstraints> {
  const read = (field: keyof ConstraintFields & string): Promise<unknown> => readOption(RED, node, msg, fields, { field, parse: (value) => value });
  const constraints: EnvironmentConstraints = {};
  constraints.free = toTier(await read('tier'), 'tier');
  for (const { key, field } of NUMERIC_FIELDS) constraints[key] = parse.number(await read(field), field);
  constraints.feeToken = toAddress(await read('feeToken'), 'feeToken');
  constraints.needCapacity = toBoolean(await read('needCapacity'), 'needCapacity');

  const override = (msg as { constraints?: unknown }).constraints;
  if (override !== undefined) {
    if (!isRecord(override)) throw invalidInput('msg.constraints', 'an object such as {"free": true, "minCpu": 2}', override);
    if ('free' in override) constraints.free = toTier(override.free, 'msg.constraints.free');
    for (const { key } of NUMERIC_FIELDS) {
      if (key in override) constraints[key] = parse.number(override[key], `msg.constraints.${key}`);
    }
    if ('feeToken' in override) constraints.feeToken = toAddress(override.feeToken, 'msg.constraints.feeToken');
    if ('needCapacity' in override) constraints.needCapacity = toBoolean(override.needCapacity, 'msg.constraints.needCapacity');
  }
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
