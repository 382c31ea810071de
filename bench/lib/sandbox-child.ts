/**
 * The sandbox for the follow benches, in a process of its own so that its work (thousands of
 * jobs, lists of megabytes) is not counted as the client's. Jobs are held (no process each) until
 * the parent says `finishAll`. Driven over IPC by `SandboxProcess`.
 */
import { DEFAULT_ENVIRONMENTS, HeldJobs, NODE_CONTAINER, startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient } from '../../src/ocean';
import type { SandboxCommand, SandboxRequestView } from './sandbox-process';

const BASE = DEFAULT_ENVIRONMENTS[0]!;
/** Room for ten thousand jobs at once. */
const ROOMY = { ...BASE, cpu: 20_000, ram: 20_000, disk: 20_000, free: { ...BASE.free!, maxJobs: 20_000 } };

/** Starts `count` held jobs for the wallet (finished at once when `finish`); answers their ids. */
async function startJobs(sandbox: Sandbox, held: HeldJobs, privateKey: string, count: number, finish: boolean): Promise<string[]> {
  const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey });
  const ids: string[] = [];
  try {
    const environment = (await client.pickEnvironment({ free: true })).id;
    for (let i = 0; i < count; i += 50) {
      const batch = Array.from({ length: Math.min(50, count - i) }, () => client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: '' } } }));
      ids.push(...(await Promise.all(batch)).map((job) => job.jobId));
      if (finish) held.finishAll();
    }
    if (finish) await Promise.all(sandbox.context.jobs.ownedBy(client.address!).map((job) => job.done));
    return ids;
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  const held = new HeldJobs();
  const sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, runner: held.runner, environments: [ROOMY] });
  const answer = async (command: SandboxCommand): Promise<unknown> => {
    switch (command.name) {
      case 'finishAll': {
        const finished = held.finishAll();
        await Promise.all(sandbox.context.jobs.running().map((job) => job.done));
        return { finished, at: Date.now() };
      }
      case 'requests':
        return sandbox.requests.slice(command.since).map(
          (r): SandboxRequestView => ({ method: r.method, path: r.path, byId: /(^|&)jobId=/.test(r.query), status: r.status, answeredAt: r.answeredAt, bytes: r.bytes }),
        );
      case 'requestCount':
        return sandbox.requests.length;
      case 'startJobs':
        return startJobs(sandbox, held, command.privateKey, command.count, command.finish);
      case 'stop':
        await sandbox.close();
        setImmediate(() => process.exit(0));
        return true;
    }
  };
  process.on('message', (message: { id: number; command: SandboxCommand }) => {
    answer(message.command).then(
      (result) => process.send?.({ id: message.id, result }),
      (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.send?.({ ready: sandbox.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${String(error)}\n`);
  process.exit(1);
});
