import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { invalidInput } from '../../ocean/errors';
import { lenientNumber } from '../../ocean/environments';
import { evaluateTypedInput } from './typed-input';

/**
 * How one node option is read. What the user set in the dialog wins, always: a value, or a
 * TypedInput pointing at msg/flow/global/env, which is the user's explicit choice to take it from
 * there. Only a field left blank falls back to a message property, and only where the node's
 * help says "from the message": never for what code runs, where files go or what is paid.
 */
export interface OptionSpec<T> {
  /** The saved field; its TypedInput type is saved as `${field}Type`. */
  field: string;
  /** The message property a blank field reads. */
  fallback?: string;
  parse(value: unknown, name: string): T | undefined;
}

type SavedConfig = object;

function saved(config: SavedConfig, key: string): string | undefined {
  const value = (config as Record<string, unknown>)[key];
  return value === undefined || value === null ? undefined : String(value);
}

/** One option for one message: the node's field, or its fallback message property when the field is blank. */
export async function readOption<T>(RED: NodeAPI, node: Node, msg: NodeMessage, config: SavedConfig, spec: OptionSpec<T>): Promise<T | undefined> {
  const value = saved(config, spec.field);
  if (value === undefined || value === '') {
    if (spec.fallback === undefined) return undefined;
    const fromMessage = RED.util.getMessageProperty(msg, spec.fallback) as unknown;
    return fromMessage === undefined ? undefined : spec.parse(fromMessage, `msg.${spec.fallback}`);
  }
  const type = saved(config, `${spec.field}Type`);
  const evaluated = await evaluateTypedInput(RED, node, msg, { value, type });
  return spec.parse(evaluated, CONTEXT_TYPES.has(type ?? '') ? `${type}.${value}` : spec.field);
}

/** TypedInput types whose value is read from somewhere else for each message. */
const CONTEXT_TYPES = new Set(['msg', 'flow', 'global']);

/** The option's value is chosen per message (msg, flow or global context), not fixed in the dialog. */
export function isPerMessage(config: SavedConfig, field: string): boolean {
  return CONTEXT_TYPES.has(saved(config, `${field}Type`) ?? '') && (saved(config, field) ?? '') !== '';
}

const blank = (value: unknown): boolean => value === undefined || value === null || value === '';

export const parse = {
  string(value: unknown, name: string): string | undefined {
    if (blank(value)) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') throw invalidInput(name, 'a string', value);
    return String(value).trim();
  },
  number(value: unknown, name: string): number | undefined {
    if (blank(value)) return undefined;
    const number = lenientNumber(value);
    if (number === undefined || number < 0) throw invalidInput(name, 'a number of 0 or more', value);
    return number;
  },
  boolean(value: unknown, name: string): boolean | undefined {
    if (blank(value)) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'yes') return true;
    if (value === 'false' || value === 'no') return false;
    throw invalidInput(name, 'true or false', value);
  },
  /** An object, or a JSON text of one. */
  object(value: unknown, name: string): Record<string, unknown> | undefined {
    if (blank(value)) return undefined;
    const parsed = typeof value === 'string' ? parseJson(value, name) : value;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidInput(name, 'an object', value);
    return parsed as Record<string, unknown>;
  },
  /** A list, or a JSON text of one; a single item becomes a list of one. */
  list(value: unknown, name: string): unknown[] | undefined {
    if (blank(value)) return undefined;
    const parsed = typeof value === 'string' && /^\s*[[{]/.test(value) ? parseJson(value, name) : value;
    return Array.isArray(parsed) ? parsed : [parsed];
  },
  /** One of `choices`. */
  oneOf<T extends string>(choices: readonly T[]) {
    return (value: unknown, name: string): T | undefined => {
      if (blank(value)) return undefined;
      if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
      throw invalidInput(name, `one of ${choices.map((c) => `"${c}"`).join(', ')}`, value);
    };
  },
};

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidInput(name, 'valid JSON', text);
  }
}
