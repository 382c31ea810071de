import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Node } from 'node-red';
import type { FlowNode } from '../../test/helpers/node-red';

export type { FlowNode };

interface Runtime {
  init(settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  nodes: { getNode(id: string): Node | null };
  events: { once(event: string, listener: () => void): void };
}

export interface EmbeddedNodeRed {
  userDir: string;
  node<T extends Node = Node>(id: string): T;
  /** Calls `listener` with every message node `id` receives. */
  onInput(id: string, listener: (msg: Record<string, unknown>) => void): void;
  /** Every warning Node-RED logged, as text (translated, as users read them). */
  warnings: string[];
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

/**
 * The real Node-RED runtime in this process (no test helper, no spies), with this package (its
 * built nodes in dist/) installed in the user directory, and the flow given; no editor and no
 * HTTP server. Node-RED cannot start twice
 * in one process, so each bench scenario runs in a process of its own.
 */
export async function startNodeRed(flow: FlowNode[], credentials: Record<string, unknown>, options: { userDir?: string } = {}): Promise<EmbeddedNodeRed> {
  const userDir = options.userDir ?? mkdtempSync(join(tmpdir(), 'ocean-c2d-bench-red-'));
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flow.map((node, index) => (node.z ? { x: 100, y: 40 * (index + 1), ...node } : node))));
  writeFileSync(join(userDir, 'flows_cred.json'), JSON.stringify(credentials));
  // Installed as the palette manager would, so its messages are translated as users read them.
  mkdirSync(join(userDir, 'node_modules', '@ocean-c2d'), { recursive: true });
  symlinkSync(ROOT, join(userDir, 'node_modules', '@ocean-c2d', 'node-red'), 'dir');
  const warnings: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red') as Runtime;
  RED.init({
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    oceanC2dMinPollInterval: 0.1,
    logging: {
      console: { level: 'error' },
      bench: { level: 'warn', handler: () => (entry: { level: number; msg: unknown }) => entry.level <= 30 && warnings.push(String(entry.msg)) },
    },
  });
  const started = new Promise<void>((resolve) => RED.events.once('flows:started', resolve));
  await RED.start();
  await started;
  return {
    userDir,
    node: <T extends Node = Node>(id: string): T => {
      const node = RED.nodes.getNode(id);
      if (!node) throw new Error(`no node ${id} in the flow`);
      return node as T;
    },
    onInput(id, listener) {
      // A second input handler beside the node's own: Node-RED calls both.
      (RED.nodes.getNode(id) as unknown as { on(event: 'input', handler: (msg: Record<string, unknown>) => void): void }).on('input', listener);
    },
    warnings,
    stop: async () => {
      await RED.stop();
      if (!options.userDir) rmSync(userDir, { recursive: true, force: true });
    },
  };
}

export interface Lag {
  /** Longest wait of a 5 ms timer beyond its time, as the wall clock saw it. */
  wallMs: number;
  /**
   * The same, counting only the time Node-RED's thread ran on the CPU meanwhile (its own work):
   * on a shared machine the wall clock also counts the time other programs had the CPU.
   */
  ownMs: number;
}

const TICK_MS = 5;

/**
 * CPU time of this process's main thread in ms: Linux counts it per thread (the first field of
 * schedstat, in ns). Elsewhere the whole process's CPU time, which also counts the garbage
 * collector's and the file system's helper threads: an upper bound.
 */
export function mainThreadCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
}

/** Watches how long the event loop is kept from running a timer, from now until `stop`. */
export function lagMonitor(): { stop(): Lag } {
  const lag: Lag = { wallMs: 0, ownMs: 0 };
  let last = performance.now();
  let lastCpu = mainThreadCpuMs();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
    const late = now - last - TICK_MS;
    lag.wallMs = Math.max(lag.wallMs, late);
    lag.ownMs = Math.max(lag.ownMs, Math.min(late, cpu - lastCpu - TICK_MS));
    last = now;
    lastCpu = cpu;
  }, TICK_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return { wallMs: Math.max(0, lag.wallMs), ownMs: Math.max(0, lag.ownMs) };
    },
  };
}
