import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { invalidInput } from '../../ocean/errors';
import { lenientNumber } from '../../ocean/environments';
import { evaluateTypedInput } from './typed-input';

/** How one node option is read: its TypedInput field, and the `msg` property that overrides it. */
export interface OptionSpec<T> {
  /** The saved field; its TypedInput type is saved as `${field}Type`. */
  field: string;
  /** A message property that, when present, wins over the node's setting for that message. */
  msg?: string;
  parse(value: unknown, name: string): T | undefined;
}

type SavedConfig = object;

function saved(config: SavedConfig, key: string): string | undefined {
  const value = (config as Record<string, unknown>)[key];
  return value === undefined || value === null ? undefined : String(value);
}

/** One option for one message: `msg.<override>` if the message has it, else the node's TypedInput. */
export async function readOption<T>(RED: NodeAPI, node: Node, msg: NodeMessage, config: SavedConfig, spec: OptionSpec<T>): Promise<T | undefined> {
  const override = spec.msg === undefined ? undefined : RED.util.getMessageProperty(msg, spec.msg);
  if (override !== undefined) return spec.parse(override, `msg.${spec.msg}`);
  const value = await evaluateTypedInput(RED, node, msg, { value: saved(config, spec.field), type: saved(config, `${spec.field}Type`) });
  return spec.parse(value, spec.field);
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
