/**
 * 5,000 jobs followed through the nodes, all finishing in one poll: through compute-status
 * (mode follow) and through compute-start (follow). Each final must come out exactly once, the
 * last within 1 s of the list answer that showed them done, and the event loop must never be
 * blocked 100 ms or more, while following and while delivering. Real Node-RED runtime in this
 * process; the sandbox (held jobs: no process each) in another.
 *
 *   npx tsx bench/follow-finals.ts           (BENCH_JOBS=500 for a quick run)
 */
import { appendFileSync } from 'node:fs';
import type { OceanConfigNode } from '../src/nodes/lib/config-node';
import { testAccount } from '../test/helpers/accounts';
import { atMost, exactly, format, reported, type Figure } from './lib/figures';
import { lagMonitor, mainThreadCpuMs, startNodeRed, type EmbeddedNodeRed, type FlowNode, type Lag } from './lib/embedded-node-red';
import { isStatus, SandboxProcess } from './lib/sandbox-process';
import { progress, runScenario } from './lib/scenario';
import { waitUntil } from './lib/wait';
import { followingStart, followingStatus } from '../test/helpers/follow-nodes';

const JOBS = Number(process.env.BENCH_JOBS) || 5_000;
const POLL_SECONDS = 2;
const IN_FLIGHT = 25;
/** A connection and wallet per variant: each lists its own 5,000 jobs, not the other's too. */
const STATUS_WALLET = testAccount(7);
const START_WALLET = testAccount(8);

function flow(url: string): FlowNode[] {
  const quiet = { type: 'debug', z: 'f1', active: false, tosidebar: false, console: false, complete: 'false' };
  const connection = { type: 'ocean-c2d-config', providerUrl: url, aquariusUrl: '', chainId: '8996', pollInterval: String(POLL_SECONDS) };
  return [
    { id: 'f1', type: 'tab' },
    { id: 'cfgStatus', ...connection },
    { id: 'cfgStart', ...connection },
    followingStatus({ id: 'status', server: 'cfgStatus', timeout: '3600', wires: [['statusFinals'], ['statusChanges']] }),
    { id: 'statusFinals', ...quiet },
    { id: 'statusChanges', ...quiet },
    followingStart({ id: 'start', server: 'cfgStart', followTimeout: '3600', wires: [['startFinals']] }),
    { id: 'startFinals', ...quiet },
  ];
}

function lagFigures(what: string, lag: Lag): Figure[] {
  return [
    { ...atMost(`${what}: event loop blocked by this process, longest`, lag.ownMs, 100, 'ms'), measured: `${format(lag.ownMs)} ms (wall clock: ${format(lag.wallMs)} ms)` },
  ];
}

interface Finals {
  total: number;
  byJob: Map<string, number>;
  firstAt: number;
  lastAt: number;
}

function countFinals(red: EmbeddedNodeRed, nodeId: string): Finals {
  const finals: Finals = { total: 0, byJob: new Map(), firstAt: 0, lastAt: 0 };
  red.onInput(nodeId, (msg) => {
    const jobId = String(msg.jobId);
    finals.total += 1;
    finals.byJob.set(jobId, (finals.byJob.get(jobId) ?? 0) + 1);
    finals.firstAt ||= Date.now();
    finals.lastAt = Date.now();
  });
  return finals;
}

/** Ends every job between two polls, and measures what reaches `finals` from the next list answer on. */
async function finishInOnePoll(sandbox: SandboxProcess, red: EmbeddedNodeRed, connection: string, finals: Finals, label: string): Promise<Figure[]> {
  const tracker = red.node<OceanConfigNode>(connection).getTracker();
  // One poll after the last follow: every job has been seen running.
  const seenFrom = await sandbox.call<number>({ name: 'requestCount' });
  await waitUntil(async () => (await sandbox.requests(seenFrom)).some((r) => isStatus(r) && !r.byId && r.answeredAt !== undefined), 'a poll of every followed job', 30_000);
  const lag = lagMonitor();
  const from = await sandbox.call<number>({ name: 'requestCount' });
  const cpuBefore = mainThreadCpuMs();
  if (process.env.BENCH_MARKS) appendFileSync(process.env.BENCH_MARKS, `${process.hrtime.bigint() / 1000n} finish ${label}\n`);
  const { at: finishedAt } = await sandbox.call<{ at: number }>({ name: 'finishAll' });
  await waitUntil(() => finals.byJob.size >= JOBS, `${JOBS} finals through ${label}`, 60_000, 20);
  if (process.env.BENCH_MARKS) appendFileSync(process.env.BENCH_MARKS, `${process.hrtime.bigint() / 1000n} finals ${label}\n`);
  const cpu = mainThreadCpuMs() - cpuBefore;
  const lagDuringFinals = lag.stop();
  // Two more polls: nothing is delivered twice, nothing is left followed.
  await new Promise((resolve) => setTimeout(resolve, 2 * POLL_SECONDS * 1000 + 200));
  const answer = (await sandbox.requests(from)).find((r) => isStatus(r) && !r.byId && (r.answeredAt ?? 0) >= finishedAt);
  const listAnsweredAt = answer?.answeredAt ?? NaN;
  return [
    exactly(`${label}: finals delivered, each once`, `${finals.byJob.size} jobs, ${finals.total - finals.byJob.size} twice`, `${JOBS} jobs, 0 twice`),
    atMost(`${label}: last final after the list answer`, (finals.lastAt - listAnsweredAt) / 1000, 1, 's', 2),
    reported(`${label}: first final after the list answer`, `${format((finals.firstAt - listAnsweredAt) / 1000, 2)} s (list: ${format((answer?.bytes ?? 0) / 1024 / 1024, 1)} MiB)`),
    reported(`${label}: Node-RED thread CPU from the end of the jobs to the last final`, `${format(cpu)} ms`),
    ...lagFigures(`${label}: while the finals are delivered`, lagDuringFinals),
    exactly(`${label}: jobs still followed after two more polls`, tracker.size, 0),
  ];
}

async function throughComputeStatus(sandbox: SandboxProcess, red: EmbeddedNodeRed): Promise<Figure[]> {
  const label = `${format(JOBS)} jobs via compute-status`;
  progress(`starting ${JOBS} held jobs`);
  const ids = await sandbox.call<string[]>({ name: 'startJobs', privateKey: STATUS_WALLET.privateKey, count: JOBS, finish: false });
  const finals = countFinals(red, 'statusFinals');
  const sentAt = new Map<string, number>();
  const took: number[] = [];
  red.onInput('statusChanges', (msg) => {
    const sent = sentAt.get(String(msg.jobId));
    if (sent !== undefined && took.length < JOBS) took.push(Date.now() - sent);
    sentAt.delete(String(msg.jobId));
  });
  progress(`following them through compute-status, ${IN_FLIGHT} at a time`);
  const lag = lagMonitor();
  const status = red.node('status');
  for (const jobId of ids) {
    await waitUntil(() => sentAt.size < IN_FLIGHT, 'room for one more follow', 30_000, 1);
    sentAt.set(jobId, Date.now());
    status.receive({ jobId });
  }
  const tracker = red.node<OceanConfigNode>('cfgStatus').getTracker();
  await waitUntil(() => tracker.size >= JOBS, `${JOBS} jobs followed`, 60_000);
  const lagWhileFollowing = lag.stop();
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  progress('ending them all between two polls');
  return [
    reported(`${label}: ms from message to first status, first 100 / last 100`, `${format(mean(took.slice(0, 100)), 1)} / ${format(mean(took.slice(-100)), 1)}`),
    ...lagFigures(`${label}: while following (and polling)`, lagWhileFollowing),
    ...(await finishInOnePoll(sandbox, red, 'cfgStatus', finals, label)),
  ];
}

async function throughComputeStart(sandbox: SandboxProcess, red: EmbeddedNodeRed): Promise<Figure[]> {
  const label = `${format(JOBS)} jobs via compute-start`;
  const finals = countFinals(red, 'startFinals');
  const tracker = red.node<OceanConfigNode>('cfgStart').getTracker();
  progress(`starting ${JOBS} jobs through compute-start (follow), ${IN_FLIGHT} at a time`);
  const lag = lagMonitor();
  const start = red.node('start');
  const startedAt = Date.now();
  for (let sent = 0; sent < JOBS; sent += IN_FLIGHT) {
    for (let i = sent; i < Math.min(JOBS, sent + IN_FLIGHT); i++) start.receive({ topic: `job-${i}` });
    await waitUntil(() => tracker.size >= Math.min(JOBS, sent + IN_FLIGHT), 'the starts of one batch', 60_000, 1);
  }
  const lagWhileStarting = lag.stop();
  const seconds = (Date.now() - startedAt) / 1000;
  progress('ending them all between two polls');
  return [
    reported(`${label}: starts per second`, format(JOBS / seconds, 0)),
    ...lagFigures(`${label}: while starting (and polling)`, lagWhileStarting),
    ...(await finishInOnePoll(sandbox, red, 'cfgStart', finals, label)),
  ];
}

export async function run(): Promise<Figure[]> {
  const sandbox = await SandboxProcess.start();
  const red = await startNodeRed(flow(sandbox.url), { cfgStatus: { privateKey: STATUS_WALLET.privateKey }, cfgStart: { privateKey: START_WALLET.privateKey } });
  try {
    return [...(await throughComputeStatus(sandbox, red)), ...(await throughComputeStart(sandbox, red))];
  } finally {
    await red.stop();
    await sandbox.stop();
  }
}

runScenario(module, run);
