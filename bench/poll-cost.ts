/**
 * What one status poll costs when the wallet has a long history: 5,000 finished jobs listed
 * beside the few that are followed. The options, measured on the wire and on the client's
 * thread: the wallet's list (one request, whatever is followed), each followed job by id (one
 * request per job), and the switch the tracker makes (by id for one job, the list beyond), which
 * keeps one request per poll interval for any number of jobs.
 *
 *   npx tsx bench/poll-cost.ts
 */
import { OceanClient } from '../src/ocean';
import { JobTracker } from '../src/tracker';
import { testAccount } from '../test/helpers/accounts';
import { atMost, exactly, format, reported, type Figure } from './lib/figures';
import { mainThreadCpuMs } from './lib/embedded-node-red';
import { isStatus, SandboxProcess, type SandboxRequestView } from './lib/sandbox-process';
import { progress, runScenario } from './lib/scenario';
import { waitUntil } from './lib/wait';

const OLD_JOBS = 5_000;
const ROUNDS = 8;
const INTERVAL_MS = 300;
const wallet = testAccount(10);

interface PollCost {
  cpuMs: number;
  bytes: number;
  requests: number;
  byId: number;
}

const kib = (bytes: number): string => (bytes >= 1024 * 1024 ? `${format(bytes / 1024 / 1024, 1)} MiB` : `${format(bytes / 1024, 1)} KiB`);
const describe = (cost: PollCost): string => `${format(cost.cpuMs, 1)} ms CPU, ${kib(cost.bytes)}, ${format(cost.requests, 1)} request(s)`;

/** The median of ROUNDS polls made by `poll`: client thread CPU, bytes answered, requests sent. */
async function measure(sandbox: SandboxProcess, poll: () => Promise<unknown>): Promise<PollCost> {
  const costs: PollCost[] = [];
  await poll(); // warm: connection, JIT
  for (let round = 0; round < ROUNDS; round++) {
    const from = await sandbox.call<number>({ name: 'requestCount' });
    const cpu = mainThreadCpuMs();
    await poll();
    const cpuMs = mainThreadCpuMs() - cpu;
    await new Promise((resolve) => setTimeout(resolve, 20));
    costs.push(wire(await sandbox.requests(from), cpuMs));
  }
  return median(costs);
}

function wire(requests: SandboxRequestView[], cpuMs: number): PollCost {
  const status = requests.filter(isStatus);
  return { cpuMs, bytes: status.reduce((sum, r) => sum + (r.bytes ?? 0), 0), requests: status.length, byId: status.filter((r) => r.byId).length };
}

function median(costs: PollCost[]): PollCost {
  const sorted = [...costs].sort((a, b) => a.cpuMs - b.cpuMs);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Polls as the tracker makes them (its default switch) while following `jobIds`: the cost per poll interval. */
async function asTheTrackerPolls(sandbox: SandboxProcess, client: OceanClient, jobIds: string[]): Promise<PollCost> {
  const tracker = new JobTracker({ client, intervalMs: INTERVAL_MS });
  for (const jobId of jobIds) tracker.follow({ jobId, startedAt: Date.now() });
  // The first poll comes one interval after the first follow.
  await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 100));
  const from = await sandbox.call<number>({ name: 'requestCount' });
  const cpu = mainThreadCpuMs();
  await new Promise((resolve) => setTimeout(resolve, ROUNDS * INTERVAL_MS));
  const cpuMs = mainThreadCpuMs() - cpu;
  const requests = await sandbox.requests(from);
  await tracker.close();
  const total = wire(requests, cpuMs);
  const polls = Math.max(1, total.requests);
  // Per poll (each poll is one request), and requests per poll interval.
  return { cpuMs: total.cpuMs / polls, bytes: total.bytes / polls, requests: total.requests / ROUNDS, byId: total.byId / polls };
}

/** A window of n intervals holds at most n + 1 polls spaced one interval apart. */
function perInterval(figure: string, cost: PollCost): Figure {
  return { figure, target: '≤ 1 (+1 at the window edge)', measured: `${format(cost.requests * ROUNDS)} in ${ROUNDS} intervals`, pass: cost.requests * ROUNDS <= ROUNDS + 1 };
}

export async function run(): Promise<Figure[]> {
  const sandbox = await SandboxProcess.start();
  const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
  try {
    progress(`a history of ${OLD_JOBS} finished jobs, and 10 running`);
    await sandbox.call<string[]>({ name: 'startJobs', privateKey: wallet.privateKey, count: OLD_JOBS, finish: true });
    const running = await sandbox.call<string[]>({ name: 'startJobs', privateKey: wallet.privateKey, count: 10, finish: false });
    await waitUntil(async () => (await client.listJobs()).length === OLD_JOBS + 10, 'the history listed', 30_000);

    progress('the options, one poll at a time');
    const list = await measure(sandbox, () => client.listJobs());
    const byId = async (count: number): Promise<PollCost> => measure(sandbox, async () => {
      for (const jobId of running.slice(0, count)) await client.getJob(jobId);
    });
    const one = await byId(1);
    const three = await byId(3);
    const ten = await byId(10);

    progress('the switch, as the tracker polls');
    const trackedOne = await asTheTrackerPolls(sandbox, client, running.slice(0, 1));
    const trackedThree = await asTheTrackerPolls(sandbox, client, running.slice(0, 3));

    return [
      reported(`option "list": one poll, ${format(OLD_JOBS)} old jobs listed`, describe(list)),
      reported('option "by id": one poll of 1 followed job', describe(one)),
      reported('option "by id": one poll of 3 followed jobs', `${describe(three)} (3 per interval: over the bound)`),
      reported('option "by id": one poll of 10 followed jobs', `${describe(ten)} (10 per interval: over the bound)`),
      perInterval('chosen switch, 1 followed job: status requests per poll interval', trackedOne),
      exactly('chosen switch, 1 followed job: the request asks for the job by id', trackedOne.byId === 1 ? 'yes' : `${format(trackedOne.byId * 100)} %`, 'yes'),
      atMost('chosen switch, 1 followed job: client CPU per poll', trackedOne.cpuMs, 10, 'ms', 1),
      atMost('chosen switch, 1 followed job: bytes answered per poll', trackedOne.bytes / 1024, 16, 'KiB', 1),
      perInterval('chosen switch, 3 followed jobs: status requests per poll interval', trackedThree),
      exactly('chosen switch, 3 followed jobs: the request lists the wallet\'s jobs', trackedThree.byId === 0 ? 'yes' : `${format(trackedThree.byId * 100)} % by id`, 'yes'),
      reported('chosen switch, 3 followed jobs: cost per poll', `${format(trackedThree.cpuMs, 1)} ms CPU, ${kib(trackedThree.bytes)}`),
    ];
  } finally {
    client.close();
    await sandbox.stop();
  }
}

runScenario(module, run);
