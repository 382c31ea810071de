/**
 * A wiped user directory (a re-created container): 10 jobs followed through compute-status,
 * Node-RED stops, its user directory is emptied, and it starts again while the backend still
 * lists the jobs as running. Each must be named in a warning and marked lost in compute-status
 * "all", after one list request. Each Node-RED run is a process of its own, as a restart is.
 *
 *   npx tsx bench/lost-jobs.ts
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OceanConfigNode } from '../src/nodes/lib/config-node';
import { testAccount } from '../test/helpers/accounts';
import { exactly, type Figure } from './lib/figures';
import { startNodeRed, type FlowNode } from './lib/embedded-node-red';
import { isStatus, SandboxProcess } from './lib/sandbox-process';
import { progress, runScenario } from './lib/scenario';
import { waitUntil } from './lib/wait';

const JOBS = 10;
const wallet = testAccount(11);

function flow(url: string): FlowNode[] {
  return [
    { id: 'f1', type: 'tab' },
    { id: 'cfg', type: 'ocean-c2d-config', providerUrl: url, aquariusUrl: '', chainId: '8996', pollInterval: '60' },
    { id: 'status', type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: 'follow', modeType: 'mode', timeout: '3600', timeoutType: 'num', wires: [['out'], ['out']] },
    { id: 'all', type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: 'all', modeType: 'mode', wires: [['listed'], []] },
    { id: 'listed', type: 'debug', z: 'f1', active: false, tosidebar: false, console: false, complete: 'false' },
    { id: 'out', type: 'debug', z: 'f1', active: false, tosidebar: false, console: false, complete: 'false' },
  ];
}

interface SecondRun {
  named: string[];
  marked: string[];
}

/** One Node-RED run (this file, forked): `follow` follows the jobs and stops; `restart` reports what it says about them. */
async function phase(kind: 'follow' | 'restart', url: string, userDir: string, jobIds: string[]): Promise<SecondRun | undefined> {
  const red = await startNodeRed(flow(url), { cfg: { privateKey: wallet.privateKey } }, { userDir });
  try {
    const tracker = red.node<OceanConfigNode>('cfg').getTracker();
    if (kind === 'follow') {
      for (const jobId of jobIds) red.node('status').receive({ jobId });
      await waitUntil(() => tracker.size === jobIds.length, 'every job followed', 30_000);
      return undefined;
    }
    await waitUntil(() => jobIds.every((id) => red.warnings.some((w) => w.includes(id))), 'a warning naming each job', 30_000);
    const all: Array<{ jobId: string; lost?: boolean }> = [];
    red.onInput('listed', (msg) => all.push(...(msg.payload as typeof all)));
    red.node('all').receive({});
    await waitUntil(() => all.length > 0, 'the list of mode "all"', 30_000);
    return { named: jobIds.filter((id) => red.warnings.some((w) => w.includes(id))), marked: all.filter((job) => job.lost === true).map((job) => job.jobId) };
  } finally {
    await red.stop();
  }
}

function inChild(kind: 'follow' | 'restart', url: string, userDir: string, jobIds: string[]): Promise<SecondRun | undefined> {
  const child = fork(__filename, ['--phase', kind, url, userDir, jobIds.join(',')], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (answer: { result?: SecondRun; error?: string }) => (answer.error ? reject(new Error(answer.error)) : resolve(answer.result)));
    child.once('exit', (code) => (code === 0 ? resolve(undefined) : reject(new Error(`the ${kind} run exited with ${code}`))));
  });
}

export async function run(): Promise<Figure[]> {
  const sandbox = await SandboxProcess.start();
  const userDir = mkdtempSync(join(tmpdir(), 'ocean-c2d-bench-wiped-'));
  try {
    const jobIds = await sandbox.call<string[]>({ name: 'startJobs', privateKey: wallet.privateKey, count: JOBS, finish: false });
    progress(`Node-RED follows ${JOBS} jobs, then stops`);
    await inChild('follow', sandbox.url, userDir, jobIds);
    rmSync(userDir, { recursive: true, force: true });
    progress('its user directory is wiped; Node-RED starts again');
    const from = await sandbox.call<number>({ name: 'requestCount' });
    const second = await inChild('restart', sandbox.url, userDir, jobIds);
    const lists = (await sandbox.requests(from)).filter((r) => isStatus(r) && !r.byId).length;
    const silent = jobIds.filter((id) => !second?.named.includes(id) || !second.marked.includes(id));
    return [
      exactly(`${JOBS} followed jobs after a wiped user directory: lost without a word`, silent.length, 0),
      exactly('  named in a warning / marked lost in compute-status "all"', `${second?.named.length ?? 0} / ${second?.marked.length ?? 0}`, `${JOBS} / ${JOBS}`),
      exactly('  list requests: the check at start, and mode "all"', lists, 2),
    ];
  } finally {
    rmSync(userDir, { recursive: true, force: true });
    await sandbox.stop();
  }
}

const at = process.argv.indexOf('--phase');
if (at >= 0) {
  const [kind, url, userDir, ids] = process.argv.slice(at + 1);
  phase(kind as 'follow' | 'restart', url!, userDir!, ids!.split(',')).then(
    (result) => {
      process.send?.({ result });
      process.exit(0);
    },
    (error: unknown) => {
      process.send?.({ error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
  );
} else {
  runScenario(module, run);
}
