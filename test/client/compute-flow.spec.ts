import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSampleAssets, datasetAsset, NODE_CONTAINER, SENSOR_READINGS_CSV, STATISTICS_ALGORITHM, startSandbox, type SampleAssets, type Sandbox, type SandboxDialect } from '../../sandbox';
import { extractTarFiles, OceanClient, readLimited, readTarFiles, stripDockerFrames, type StartJobRequest } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { serveFiles, type FileServer } from '../helpers/file-server';
import { waitForJob, waitUntil } from '../helpers/jobs';

const consumer = testAccount(2);
const tx = (): string => `0x${randomBytes(32).toString('hex')}`;

const SUM_ALGORITHM = `
const fs = require('fs');
const data = process.env.OCEAN_C2D_DATA || '/data';
const custom = JSON.parse(fs.readFileSync(data + '/inputs/algoCustomData.json', 'utf8'));
console.log('summing', custom.a, custom.b);
fs.writeFileSync(data + '/outputs/sum.json', JSON.stringify({ sum: custom.a + custom.b }));
`;

const CONSTANT_ALGORITHM = `
const fs = require('fs');
console.log('constant answer');
fs.writeFileSync((process.env.OCEAN_C2D_DATA || '/data') + '/outputs/sum.json', JSON.stringify({ sum: 42 }));
`;

interface StatsOutput {
  files: number;
  sensors: Record<string, { count: number; mean: number; min: number; max: number }>;
}

/** The job's output as JSON: Ocean Node packs it in outputs.tar, Provider v2 serves each file. */
async function outputJson<T>(client: OceanClient, jobId: string, filename: string): Promise<T> {
  const [file, ...rest] = await client.resultFilesOfKind(jobId, 'output');
  assert.ok(file, 'an output result');
  if (file.filename === 'outputs.tar') {
    const { stream } = await client.openResult(jobId, file.index);
    const entries = await readTarFiles(stream);
    const entry = entries.find((e) => e.name === filename);
    assert.ok(entry, `${filename} in outputs.tar (has ${entries.map((e) => e.name).join(', ')})`);
    return JSON.parse(entry.data.toString('utf8')) as T;
  }
  const match = [file, ...rest].find((f) => f.filename === filename);
  assert.ok(match, `${filename} among the outputs`);
  const { stream } = await client.openResult(jobId, match.index);
  return JSON.parse((await readLimited(stream, 1_000_000, 'output')).toString('utf8')) as T;
}

for (const dialect of ['ocean-node', 'provider-v2'] as SandboxDialect[]) {
  describe(`C2D client against the ${dialect} sandbox`, function () {
    let sandbox: Sandbox;
    let client: OceanClient;
    let assets: SampleAssets;
    let environment: string;
    const free = dialect === 'ocean-node';

    /** Provider v2 always runs on a published dataset that was ordered. */
    const baseRequest = (): Pick<StartJobRequest, 'environment' | 'datasets' | 'free'> => ({
      environment,
      free,
      datasets: free ? [] : [{ did: assets.dataset, serviceId: 'dataset-compute', transferTxId: tx() }],
    });

    before(async function () {
      // Tests poll faster than the real node's 30 requests a minute allow.
      sandbox = await startSandbox({ dialect, rateLimitPerMinute: 0 });
      assets = addSampleAssets(sandbox.context.ddos, { chainId: 8996, serviceEndpoint: sandbox.url });
      client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: consumer.privateKey });
      environment = (await client.pickEnvironment({ free: true })).id;
    });

    after(async function () {
      client.close();
      await sandbox.close();
    });

    it('runs a raw algorithm and returns its output', async function () {
      const job = await client.startJob({
        ...baseRequest(),
        algorithm: { meta: { container: NODE_CONTAINER, rawcode: free ? SUM_ALGORITHM : CONSTANT_ALGORITHM } },
        algocustomdata: free ? { a: 2, b: 40 } : undefined,
      });
      assert.equal(job.done, false);
      assert.equal(job.status, free ? 10 : 1);
      const done = await waitForJob(client, job.jobId);
      assert.deepEqual([done.done, done.failed, done.ok], [true, false, true]);
      assert.equal(done.jobId, job.jobId, 'status reports the id start returned');
      assert.deepEqual(await outputJson(client, job.jobId, 'sum.json'), { sum: 42 });
    });

    it('hands custom data to a published algorithm', async function () {
      const job = await client.startJob({
        ...baseRequest(),
        datasets: [{ did: assets.dataset, serviceId: 'dataset-compute', transferTxId: tx() }],
        algorithm: { did: assets.statistics, serviceId: 'algorithm-compute', transferTxId: tx() },
        algocustomdata: { sensor: 'temp-2' },
      });
      await waitForJob(client, job.jobId);
      const stats = await outputJson<StatsOutput>(client, job.jobId, 'stats.json');
      assert.deepEqual(Object.keys(stats.sensors), ['temp-2']);
    });

    it('runs a published algorithm on a published dataset plus an additional dataset', async function () {
      const second = datasetAsset({ name: 'More readings', chainId: 8996, serviceEndpoint: sandbox.url, files: [{ content: 'timestamp,sensor,value\nt,temp-1,100\n' }] });
      sandbox.context.ddos.add(second);
      const job = await client.startJob({
        environment,
        free,
        datasets: [
          { did: assets.dataset, serviceId: 'dataset-compute', transferTxId: tx() },
          { did: String(second.ddo.id), serviceId: 'dataset-compute', transferTxId: tx() },
        ],
        algorithm: { did: assets.statistics, serviceId: 'algorithm-compute', transferTxId: tx() },
      });
      await waitForJob(client, job.jobId);
      const stats = await outputJson<StatsOutput>(client, job.jobId, 'stats.json');
      assert.equal(stats.files, 2, 'both datasets reached the algorithm');
      assert.deepEqual(stats.sensors['temp-1']?.count, 25);
      assert.equal(stats.sensors['temp-1']?.max, 100);
    });

    it('fetches results by type, only the matching ones, with Docker frames removed from logs', async function () {
      const job = await client.startJob({ ...baseRequest(), algorithm: { meta: { container: NODE_CONTAINER, rawcode: CONSTANT_ALGORITHM } } });
      await waitForJob(client, job.jobId);
      const before = sandbox.requests.filter((r) => r.path === '/api/services/computeResult').length;
      const logs = await client.resultFilesOfKind(job.jobId, 'algorithmLog');
      assert.equal(logs.length, 1);
      const { stream } = await client.openResult(job.jobId, logs[0]!.index);
      const text = stripDockerFrames(await readLimited(stream, 100_000, 'log')).toString('utf8');
      assert.equal(text, 'constant answer\n');
      assert.equal(sandbox.requests.filter((r) => r.path === '/api/services/computeResult').length - before, 1, 'one result fetched');
      const configuration = await client.resultFilesOfKind(job.jobId, 'configurationLog');
      assert.equal(configuration.length, 1, 'configuration log under one spelling for both backends');
    });

    it('stops a running job', async function () {
      const job = await client.startJob({ ...baseRequest(), algorithm: { did: assets.longRunning, serviceId: 'algorithm-compute', transferTxId: tx() }, algocustomdata: { seconds: 30 } });
      await waitUntil(client, job.jobId, (j) => j.status === 40);
      const stopped = await client.stopJob(job.jobId, { did: free ? undefined : assets.dataset });
      assert.equal(stopped.jobId, job.jobId);
      assert.equal(stopped.stopRequested, true);
      const done = await waitForJob(client, job.jobId);
      assert.equal(done.done, true);
      if (free) assert.equal(done.exitCode, 137, 'killed, as Docker reports a stopped container');
    });

    it('lists every job of the wallet in one request', async function () {
      const before = sandbox.requests.length;
      const jobs = await client.listJobs();
      assert.ok(jobs.length >= 4);
      assert.ok(jobs.every((j) => j.owner === consumer.address));
      assert.deepEqual(sandbox.requests.slice(before).map((r) => `${r.method} ${r.path}`), ['GET /api/services/compute']);
    });
  });
}

describe('C2D client: Ocean Node URL datasets and tar outputs', function () {
  let sandbox: Sandbox;
  let client: OceanClient;
  let files: FileServer;
  let folder: string;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: consumer.privateKey });
    files = await serveFiles({ '/readings.csv': SENSOR_READINGS_CSV });
    folder = await mkdtemp(join(tmpdir(), 'c2d-results-'));
  });

  after(async function () {
    client.close();
    await sandbox.close();
    await files.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('downloads a URL dataset from 127.0.0.1 and unpacks outputs.tar safely into a folder', async function () {
    const environment = (await client.pickEnvironment({ free: true })).id;
    const job = await client.startJob({
      environment,
      free: true,
      datasets: [{ fileObject: { type: 'url', url: files.url('/readings.csv'), method: 'get' } }],
      algorithm: { meta: { container: NODE_CONTAINER, rawcode: STATISTICS_ALGORITHM } },
    });
    const done = await waitForJob(client, job.jobId);
    assert.deepEqual(done.results.map((r) => r.filename), ['image.log', 'configuration.log', 'algorithm.log', 'outputs.tar']);
    const { stream } = await client.openResult(job.jobId, 3);
    const written = await extractTarFiles(stream, folder);
    assert.deepEqual(written.map((f) => f.name), ['stats.json']);
    const stats = JSON.parse(await readFile(join(folder, 'stats.json'), 'utf8')) as StatsOutput;
    assert.deepEqual(Object.keys(stats.sensors).sort(), ['humidity-1', 'temp-1', 'temp-2']);
  });
});
