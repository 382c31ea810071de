import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { invalidInput } from '../../ocean/errors';
import { DEFAULT_LINES_PER_SECOND, type LiveLogSettings } from './live-logs';
import { parse, readOption } from './options';

export interface LiveLogConfig {
  /** Send the algorithm's output line by line while the job runs (on its own output). */
  logs?: boolean;
  logRate?: string;
  logRateType?: string;
}

const MAX_LINES_PER_SECOND = 1_000;

/** The live log a follow asks for, or nothing when the box is not ticked. */
export async function readLiveLogOptions(RED: NodeAPI, node: Node, msg: NodeMessage, def: LiveLogConfig): Promise<LiveLogSettings | undefined> {
  if (def.logs !== true) return undefined;
  const rate = (await readOption(RED, node, msg, def, { field: 'logRate', parse: parse.number })) ?? DEFAULT_LINES_PER_SECOND;
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_LINES_PER_SECOND) {
    throw invalidInput('logRate', `a whole number of lines per second from 1 to ${MAX_LINES_PER_SECOND}`, rate);
  }
  return { rate };
}
