/**
 * Requests per job: one free job's lifecycle on the sandbox (start, follow, one result), and the
 * cost of following many jobs. Compare: ocean.js 8.6.2 made 22 requests for one lifecycle with
 * 7 status polls (8 + 2 per poll: a `GET /` before every call), recorded in h-oceanjs-free-compute.json.
 *
 *   npx tsx bench/requests.ts
 */
import { startSandbox, DEFAULT_ENVIRONMENTS, NODE_CONTAINER } from '../sandbox';
import { OceanClient } from '../src/ocean';
import { JobTracker } from '../src/tracker';
import { testAccount } from '../test/helpers/accounts';

const INTERVAL_MS = 200;

async function main(): Promise<void> {
  const base = DEFAULT_ENVIRONMENTS[0]!;
  const sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: [{ ...base, cpu: 512, ram: 512, disk: 512, free: { ...base.free!, maxJobs: 1000 } }] });
  const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: testAccount(3).privateKey });
  const tracker = new JobTracker({ client, intervalMs: INTERVAL_MS });
  const free = async (rawcode: string) =>
    client.startJob({ environment: (await client.pickEnvironment({ free: true })).id, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode } } });

  // One lifecycle: environments, start, follow to the end, one result.
  const job = await free('setTimeout(() => require("fs").writeFileSync((process.env.OCEAN_C2D_DATA || "/data") + "/outputs/x.txt", "x"), 1200)');
  const done = new Promise((resolve) => tracker.on('done', resolve));
  tracker.follow({ jobId: job.jobId, startedAt: Date.now() });
  await done;
  const finished = await client.getJob(job.jobId);
  const { stream } = await client.openResult(job.jobId, finished.results.find((r) => r.kind === 'output')!.index);
  stream.resume();
  await new Promise((resolve) => stream.on('end', resolve));
  const byRoute = new Map<string, number>();
  for (const r of sandbox.requests) byRoute.set(`${r.method} ${r.path}`, (byRoute.get(`${r.method} ${r.path}`) ?? 0) + 1);
  const polls = sandbox.requests.filter((r) => r.path === '/api/services/compute' && r.method === 'GET' && !r.query.includes('jobId')).length;
  process.stdout.write(`one free job, followed to the end: ${sandbox.requests.length} requests, of which ${polls} status polls\n`);
  for (const [route, count] of byRoute) process.stdout.write(`  ${count}  ${route}\n`);
  process.stdout.write(`  ocean.js 8.6.2 for the same lifecycle: 8 + 2 per poll = ${8 + 2 * polls} requests at ${polls} polls\n`);

  // Many jobs: requests per poll interval while following them all.
  for (const count of [10, 100, 500]) {
    const jobs = await Promise.all(Array.from({ length: count }, () => free('setTimeout(() => {}, 60000)')));
    for (const j of jobs) tracker.follow({ jobId: j.jobId, startedAt: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 2));
    const before = sandbox.requests.length;
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 10));
    const made = sandbox.requests.length - before;
    const intervals = (Date.now() - started) / INTERVAL_MS;
    process.stdout.write(`following ${count} jobs: ${made} requests in ${intervals.toFixed(1)} poll intervals (${(made / intervals).toFixed(2)} per interval)\n`);
    for (const j of jobs) tracker.unfollow(j.jobId);
    await Promise.all(jobs.map((j) => client.stopJob(j.jobId)));
  }
  await tracker.close();
  client.close();
  await sandbox.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
