import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RecordedExchange {
  seq: number;
  note: string;
  request: { method: string; path: string; headers: Record<string, string>; bodyEncoding: string; body: unknown };
  response: { status: number; headers: Record<string, string>; bodyEncoding: string; body: unknown };
}

/** Loads one file of the Ocean Node v3.1.0 recordings kept in test/fixtures. */
export function recording(name: string): RecordedExchange[] {
  const file = join(__dirname, '..', 'fixtures', 'ocean-node-samples', `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as RecordedExchange[];
}

export function exchange(name: string, note: RegExp): RecordedExchange {
  const found = recording(name).find((e) => note.test(e.note));
  if (!found) throw new Error(`no exchange in ${name} matches ${note}`);
  return found;
}

/**
 * The structure of a JSON value without its data: objects become their sorted key sets,
 * scalars their type. Two bodies with the same shape differ only in values.
 */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]),
    );
  }
  return value === null ? 'null' : typeof value;
}
