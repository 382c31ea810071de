/**
 * Requests per job: one free job's lifecycle on the sandbox (start, follow, one result), and the
 * status requests per poll interval while following many jobs. Compare: ocean.js 8.6.2 made 22
 * requests for one lifecycle with 7 status polls (8 + 2 per poll: a `GET /` before every call),
 * recorded in h-oceanjs-free-compute.json.
 *
 *   npx tsx bench/requests.ts
 */
import { startSandbox, DEFAULT_ENVIRONMENTS, HeldJobs, NODE_CONTAINER, type Sandbox } from '../sandbox';
import { OceanClient } from '../src/ocean';
import { JobTracker } from '../src/tracker';
import { testAccount } from '../test/helpers/accounts';
import { atMost, format, type Figure } from './lib/figures';
import { progress, runScenario } from './lib/scenario';

const INTERVAL_MS = 200;
const STATUS_PATH = '/api/services/compute';

const statusRequests = (sandbox: Sandbox, from = 0): number => sandbox.requests.slice(from).filter((r) => r.method === 'GET' && r.path === STATUS_PATH).length;

async function lifecycle(): Promise<Figure[]> {
  const base = DEFAULT_ENVIRONMENTS[0]!;
  const sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: [base] });
  const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: testAccount(3).privateKey });
  const tracker = new JobTracker({ client, intervalMs: INTERVAL_MS });
  try {
    const environment = (await client.pickEnvironment({ free: true })).id;
    const rawcode = 'setTimeout(() => require("fs").writeFileSync((process.env.OCEAN_C2D_DATA || "/data") + "/outputs/x.txt", "x"), 1200)';
    const job = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode } } });
    const done = new Promise((resolve) => tracker.on('done', resolve));
    tracker.follow({ jobId: job.jobId, startedAt: Date.now() });
    await done;
    const finished = await client.getJob(job.jobId);
    const { stream } = await client.openResult(job.jobId, finished.results.find((r) => r.kind === 'output')!.index);
    stream.resume();
    await new Promise((resolve) => stream.on('end', resolve));
    const byRoute = new Map<string, number>();
    for (const r of sandbox.requests) byRoute.set(`${r.method} ${r.path}`, (byRoute.get(`${r.method} ${r.path}`) ?? 0) + 1);
    for (const [route, count] of byRoute) progress(`${count}  ${route}`);
    // The tracker's polls, then the one status read before the result.
    const polls = statusRequests(sandbox) - 1;
    const oceanJs = 8 + 2 * polls;
    return [
      { ...atMost(`one free job start to result, ${polls} polls: requests`, sandbox.requests.length, oceanJs - 1, 'requests'), target: `< ${oceanJs} (ocean.js 8.6.2: 8 + 2 per poll)` },
    ];
  } finally {
    await tracker.close();
    client.close();
    await sandbox.close();
  }
}

/** Status requests per poll interval while following `count` jobs that keep running (held: no process each). */
async function manyJobs(): Promise<Figure[]> {
  const held = new HeldJobs();
  const base = DEFAULT_ENVIRONMENTS[0]!;
  const sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, runner: held.runner, environments: [{ ...base, cpu: 1024, ram: 1024, disk: 1024 }] });
  const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: testAccount(3).privateKey });
  const tracker = new JobTracker({ client, intervalMs: INTERVAL_MS });
  const figures: Figure[] = [];
  try {
    const environment = (await client.pickEnvironment({ free: true })).id;
    const start = () => client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: '' } } });
    for (const count of [1, 10, 100, 500]) {
      const jobs = [];
      for (let i = 0; i < count; i += 50) jobs.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, start))));
      for (const j of jobs) tracker.follow({ jobId: j.jobId, startedAt: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 2));
      const before = sandbox.requests.length;
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 10));
      const made = statusRequests(sandbox, before);
      const intervals = (Date.now() - started) / INTERVAL_MS;
      // A window of n intervals holds at most n + 1 polls spaced one interval apart.
      figures.push({
        figure: `following ${count} job(s): status requests per poll interval`,
        target: '≤ 1 (+1 at the window edge)',
        measured: `${made} in ${format(intervals, 1)} intervals`,
        pass: made <= Math.floor(intervals) + 1,
      });
      for (const j of jobs) tracker.unfollow(j.jobId);
      held.finishAll();
    }
    return figures;
  } finally {
    await tracker.close();
    client.close();
    await sandbox.close();
  }
}

export async function run(): Promise<Figure[]> {
  return [...(await lifecycle()), ...(await manyJobs())];
}

runScenario(module, run);
