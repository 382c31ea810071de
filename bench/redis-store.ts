/**
 * The Redis job store at scale, on a local redis-server: what 5,000 followed jobs cost to save,
 * to keep (one lease renewal round) and to scan for orphans, how a dead instance's 5,000 jobs
 * are shared out between two survivors (each exactly once), and what the budget lock costs.
 *
 *   npx tsx bench/redis-store.ts
 */
import { performance } from 'node:perf_hooks';
import { Budget } from '../src/ocean/payment/budget';
import { jobKeys } from '../src/store/job-keys';
import { RedisConnection } from '../src/store/redis/connection';
import { RedisSpendingStore } from '../src/store/redis/spending-store';
import { RedisTrackerStore } from '../src/store/redis/tracker-store';
import { followedJob } from '../test/store/fixtures';
import { startRedisServer } from '../test/helpers/redis-server';
import { atMost, exactly, reported, type Figure } from './lib/figures';
import { progress, runScenario } from './lib/scenario';

const JOBS = Number(process.env.BENCH_JOBS) || 5_000;
const TOKEN = '0x' + '12'.repeat(20);

async function run(): Promise<Figure[]> {
  const redis = await startRedisServer();
  const connections: RedisConnection[] = [];
  const connect = (): RedisConnection => {
    const connection = new RedisConnection({ url: redis.url });
    connections.push(connection);
    return connection;
  };
  const store = (owner: string, leaseMs: number): RedisTrackerStore => new RedisTrackerStore({ redis: connect(), keys: jobKeys('bench'), owner, leaseMs });
  try {
    const figures: Figure[] = [];
    const a = store('a', 60_000);
    const raw = connect();
    const memory = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(String(await raw.command(['INFO', 'memory'])))?.[1]);
    const before = await memory();
    const jobs = Array.from({ length: JOBS }, (_, i) => followedJob(i));
    progress(`putting ${JOBS} jobs`);
    let began = performance.now();
    await Promise.all(jobs.map((job) => a.put(job)));
    figures.push(reported(`put ${JOBS} jobs (all at once)`, `${Math.round(performance.now() - began)} ms`));
    figures.push(reported('Redis memory per job (job, lease, index entry)', `${Math.round(((await memory()) - before) / JOBS)} bytes`));
    const value = Number(await raw.command(['STRLEN', jobKeys('bench').job(jobs[0]!.jobId)]));
    figures.push(atMost('a job\'s value at rest', value, 1024, 'bytes'));

    began = performance.now();
    const lost = await a.renew(jobs.map((job) => job.jobId));
    figures.push(atMost(`one renewal round of ${JOBS} leases`, performance.now() - began, 1_000, 'ms'));
    figures.push(exactly('leases lost by a live owner', lost.length, 0));

    began = performance.now();
    const none = await store('b', 60_000).adopt();
    figures.push(atMost(`an orphan scan over ${JOBS} live jobs (holds Redis)`, performance.now() - began, 200, 'ms'));
    figures.push(exactly('jobs adopted while their owner lives', none.length, 0));

    progress('owner a dies: b and c adopt');
    const shortA = store('a', 200);
    await shortA.renew(jobs.map((job) => job.jobId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const b = store('b', 60_000);
    const c = store('c', 60_000);
    const taken = new Map<string, number>();
    let scans = 0;
    began = performance.now();
    // Bounded: each scan takes up to 200 jobs.
    while (taken.size < JOBS && scans < 200) {
      scans += 1;
      const [byB, byC] = await Promise.all([b.adopt(), c.adopt()]);
      for (const job of [...byB, ...byC]) taken.set(job.jobId, (taken.get(job.jobId) ?? 0) + 1);
    }
    figures.push(reported(`adopting ${JOBS} orphans, two instances scanning together`, `${Math.round(performance.now() - began)} ms, ${scans} scan rounds`));
    figures.push(exactly('jobs adopted', taken.size, JOBS));
    figures.push(exactly('jobs adopted twice', [...taken.values()].filter((n) => n > 1).length, 0));

    progress('budget lock');
    const rules = [{ field: 'budgets[0]', token: TOKEN, limit: '50', windowSeconds: 3600, period: '1h' }];
    const decimals = async (): Promise<number> => 0;
    const budgets = [0, 1].map(() => new Budget(rules, new RedisSpendingStore({ redis: connect(), keys: jobKeys('bench') }), decimals));
    began = performance.now();
    const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => budgets[i % 2]!.reserve([{ token: TOKEN, amount: 1n }])));
    const elapsed = performance.now() - began;
    figures.push(exactly('of 100 concurrent reserves on two instances, budget for 50: passed', outcomes.filter((o) => o.status === 'fulfilled').length, 50));
    figures.push(reported('a locked check-and-reserve (mean, 100 contending)', `${(elapsed / 100).toFixed(1)} ms`));
    return figures;
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
    await redis.stop();
  }
}

runScenario(module, run);
