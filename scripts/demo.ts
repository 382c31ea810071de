/**
 * `npm run demo`: the main example end to end, headless. Starts the local chain and the
 * sandbox on free ports, runs Node-RED's runtime with this package and the example flows,
 * triggers the examples' inject nodes, prints what arrives at their debug nodes, checks it,
 * and exits 0 (or 1 with the reason).
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackFromEnvironment, type Stack } from './stack';
import { prepareUserDir, runtimeSettings } from './user-dir';

interface NodeLike {
  receive(msg: Record<string, unknown>): void;
  on(event: 'input', listener: (msg: Record<string, unknown>) => void): void;
}

interface Runtime {
  init(server: unknown, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  nodes: { getNode(id: string): NodeLike | null };
  events: { once(event: string, listener: () => void): void };
}

const OVERALL_TIMEOUT_MS = 120_000;

interface Check {
  title: string;
  inject: string;
  debug: string;
  wait: number;
  /** What to show of the message, and whether it is right. */
  verify(msg: Record<string, unknown>): { shown: unknown; problem?: string };
}

const CHECKS: Check[] = [
  {
    title: 'Free compute on sensor readings (the main example)',
    inject: 'ex2-i',
    debug: 'ex2-out',
    wait: 60_000,
    verify: (msg) => {
      const stats = msg.payload as { sensor?: string; count?: number; mean?: number } | undefined;
      const ok = stats?.sensor === 'greenhouse-1' && stats.count === 12 && stats.mean === 22.733;
      return { shown: stats, problem: ok ? undefined : 'expected the statistics of the 12 injected readings (mean 22.733)' };
    },
  },
  {
    title: 'Paid compute on the published dataset',
    inject: 'ex3-i',
    debug: 'ex3-out',
    wait: 60_000,
    verify: (msg) => {
      const results = msg.results as { sensors?: Record<string, { count: number }> } | undefined;
      const count = results?.sensors?.['temp-1']?.count;
      return { shown: results, problem: count === 24 ? undefined : 'expected statistics of the 24 hourly temp-1 readings of the sample dataset' };
    },
  },
];

async function main(): Promise<number> {
  const local = !process.env.OCEAN_PROVIDER_URL;
  const stack: Stack = await stackFromEnvironment(process.env, { sandboxPort: 0, anvilPort: 0 });
  const userDir = mkdtempSync(join(tmpdir(), 'ocean-c2d-demo-'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red') as Runtime;
  try {
    for (const line of stack.describe()) process.stdout.write(`${line}\n`);
    Object.assign(process.env, stack.env);
    // Headless: no dashboard to look at.
    prepareUserDir(userDir, { uiPort: 0, replaceFlows: true, forgetJobs: true, pollInterval: '1', minPollInterval: local ? 0.5 : undefined, dashboard: false });
    const started = new Promise<void>((resolve) => RED.events.once('flows:started', resolve));
    RED.init(createServer(), { ...runtimeSettings(userDir, { uiPort: 0, minPollInterval: local ? 0.5 : undefined }), httpAdminRoot: false, httpNodeRoot: false, logging: { console: { level: 'warn' } } });
    await RED.start();
    await started;
    let failures = 0;
    for (const check of local ? CHECKS : CHECKS.slice(0, 1)) {
      const outcome = await run(RED, check);
      process.stdout.write(`\n${check.title}\n${JSON.stringify(outcome.shown, null, 2)}\n${outcome.problem ? `FAILED: ${outcome.problem}` : 'OK'}\n`);
      if (outcome.problem) failures += 1;
    }
    return failures === 0 ? 0 : 1;
  } finally {
    await RED.stop().catch(() => undefined);
    await stack.close();
    rmSync(userDir, { recursive: true, force: true });
  }
}

function run(RED: Runtime, check: Check): Promise<{ shown: unknown; problem?: string }> {
  const inject = RED.nodes.getNode(check.inject);
  const debug = RED.nodes.getNode(check.debug);
  const errors = RED.nodes.getNode(check.debug.replace(/-out$/, '-err'));
  if (!inject || !debug) return Promise.resolve({ shown: null, problem: `the flows have no node ${check.inject} / ${check.debug}` });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ shown: null, problem: `no result within ${check.wait / 1000} s` }), check.wait);
    debug.on('input', (msg) => {
      clearTimeout(timer);
      resolve(check.verify(msg));
    });
    errors?.on('input', (msg) => {
      clearTimeout(timer);
      resolve({ shown: msg.error, problem: 'the flow reported an error' });
    });
    inject.receive({});
  });
}

const guard = setTimeout(() => {
  process.stderr.write(`npm run demo: gave up after ${OVERALL_TIMEOUT_MS / 1000} s\n`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
guard.unref();

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm run demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
