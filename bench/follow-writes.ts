/**
 * Follows arriving one by one: 5,000 jobs sent to compute-status (mode follow) 1 ms apart, as a
 * busy flow would. What the job store writes must not grow with the number of jobs followed
 * (under 20 MB for all 5,000), a followed job must take under 1 KB in the store, and no follow
 * may block Node-RED. Then 200 jobs started by compute-start (follow), for the size of a started
 * job at rest. Real Node-RED runtime in this process; the sandbox (held jobs) in another.
 *
 *   npx tsx bench/follow-writes.ts           (BENCH_JOBS=500 for a quick run)
 */
import { join } from 'node:path';
import type { OceanConfigNode } from '../src/nodes/lib/config-node';
import { FileTrackerStore, type FollowedJob } from '../src/tracker';
import { testAccount } from '../test/helpers/accounts';
import { atMost, format, mib, reported, type Figure } from './lib/figures';
import { lagMonitor, mainThreadCpuMs, startNodeRed, type EmbeddedNodeRed, type FlowNode } from './lib/embedded-node-red';
import { SandboxProcess } from './lib/sandbox-process';
import { progress, runScenario } from './lib/scenario';
import { waitUntil } from './lib/wait';
import { followingStart, followingStatus } from '../test/helpers/follow-nodes';

const JOBS = Number(process.env.BENCH_JOBS) || 5_000;
const STARTED = 200;
const wallet = testAccount(9);

function flow(url: string): FlowNode[] {
  const quiet = { type: 'debug', z: 'f1', active: false, tosidebar: false, console: false, complete: 'false' };
  return [
    { id: 'f1', type: 'tab' },
    // A long interval: this is about what follows cost, not polls.
    { id: 'cfg', type: 'ocean-c2d-config', providerUrl: url, aquariusUrl: '', chainId: '8996', pollInterval: '60' },
    followingStatus({ id: 'status', server: 'cfg', timeout: '3600', wires: [['finals'], ['changes']] }),
    { id: 'finals', ...quiet },
    { id: 'changes', ...quiet },
    followingStart({ id: 'start', server: 'cfg', followTimeout: '3600', wires: [['finals']] }),
  ];
}

/** Each saved job's size as a restart reads it back. */
async function sizesAtRest(red: EmbeddedNodeRed, keep: (job: FollowedJob) => boolean): Promise<number[]> {
  const jobs = await new FileTrackerStore(join(red.userDir, 'ocean-c2d', 'jobs-cfg.json')).load();
  return jobs.filter(keep).map((job) => Buffer.byteLength(JSON.stringify(job)));
}

export async function run(): Promise<Figure[]> {
  const sandbox = await SandboxProcess.start();
  const red = await startNodeRed(flow(sandbox.url), { cfg: { privateKey: wallet.privateKey } });
  try {
    const tracker = red.node<OceanConfigNode>('cfg').getTracker();
    const written = (): number => (tracker.store as { bytesWritten?: number } | undefined)?.bytesWritten ?? NaN;
    progress(`starting ${JOBS} held jobs`);
    const ids = await sandbox.call<string[]>({ name: 'startJobs', privateKey: wallet.privateKey, count: JOBS, finish: false });
    const sentAt = new Map<string, number>();
    const took: number[] = [];
    red.onInput('changes', (msg) => {
      const sent = sentAt.get(String(msg.jobId));
      if (sent !== undefined) took.push(Date.now() - sent);
    });
    progress(`sending them to compute-status 1 ms apart`);
    const lag = lagMonitor();
    const cpuBefore = mainThreadCpuMs();
    const bytesBefore = written();
    const status = red.node('status');
    const bytesAt: number[] = [];
    for (const [index, jobId] of ids.entries()) {
      sentAt.set(jobId, Date.now());
      status.receive({ jobId });
      if (index % 1000 === 0) bytesAt.push(written());
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await waitUntil(() => tracker.size >= JOBS, `${JOBS} jobs followed`, 120_000);
    await waitUntil(() => took.length >= JOBS, 'every first status', 60_000);
    // The last writes: a job is on disk once the store has written it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    bytesAt.push(written());
    const cpu = mainThreadCpuMs() - cpuBefore;
    const blocked = lag.stop();
    const total = written() - bytesBefore;
    const perFollow = (from: number): number => (bytesAt[from + 1]! - bytesAt[from]!) / 1000;
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    const statusSizes = await sizesAtRest(red, () => true);

    progress(`starting ${STARTED} jobs through compute-start (follow)`);
    const startNode = red.node('start');
    for (let i = 0; i < STARTED; i++) startNode.receive({ topic: `sensor-${i}` });
    await waitUntil(() => tracker.size >= JOBS + STARTED, `${STARTED} starts`, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const startedSizes = await sizesAtRest(red, (job) => job.context?.nodeId === 'start');

    const figures: Figure[] = [
      atMost(`${format(JOBS)} follows 1 ms apart: bytes the job store wrote`, total / 1024 / 1024, 20, 'MiB', 1),
      reported(`bytes written per follow, first 1,000 / last 1,000`, bytesAt.length > 2 ? `${format(perFollow(0))} / ${format(perFollow(bytesAt.length - 3))} B` : 'too few jobs'),
      atMost(`a job followed through compute-status, at rest in the store (largest)`, Math.max(...statusSizes), 1024, 'B'),
      atMost(`a job started by compute-start (follow), at rest in the store (largest)`, Math.max(...startedSizes), 1024, 'B'),
      { ...atMost(`${format(JOBS)} follows: event loop blocked by this process, longest`, blocked.ownMs, 100, 'ms'), measured: `${format(blocked.ownMs)} ms (wall clock: ${format(blocked.wallMs)} ms)` },
      reported(`${format(JOBS)} follows: Node-RED thread CPU in all`, `${format(cpu / 1000, 1)} s`),
      reported(`ms from message to first status, first 100 / last 100`, `${format(mean(took.slice(0, 100)), 1)} / ${format(mean(took.slice(-100)), 1)}`),
      reported('store files at rest', `${mib(statusSizes.reduce((a, b) => a + b, 0) + startedSizes.reduce((a, b) => a + b, 0))} for ${format(statusSizes.length + startedSizes.length)} jobs`),
    ];
    return figures;
  } finally {
    await red.stop();
    await sandbox.stop();
  }
}

runScenario(module, run);
