import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { dockerFrames, packOutputs, startRunnerJob, type LogChunk, type RunnerJob, type RunnerJobSpec, type RunnerOutcome, type RunnerPhase } from '../../sandbox/runner';
import type { RecordedExchange } from '../helpers/recordings';
import { until } from '../helpers/until';

const ALL_PHASES: RunnerPhase[] = ['pulling', 'configuring', 'provisioning', 'running', 'publishing', 'finished'];
const NODE_CONTAINER = { entrypoint: 'node $ALGO', image: 'node', tag: '20' };
const SH_CONTAINER = { entrypoint: 'sh $ALGO', image: '127.0.0.1:5000/feas/busybox', tag: '1' };

/** A recorded result body from the Ocean Node recordings in test/fixtures. */
function recordedResult(file: string, note: RegExp): Buffer {
  const path = join(__dirname, '..', 'fixtures', 'ocean-node-samples', file);
  const found = (JSON.parse(readFileSync(path, 'utf8')) as RecordedExchange[]).find((e) => note.test(e.note));
  assert.ok(found, `no exchange in ${file} matches ${note}`);
  assert.equal(found.response.bodyEncoding, 'base64');
  return Buffer.from(found.response.body as string, 'base64');
}

/** Splits Docker's multiplexed stream back into chunks (independent of the code under test). */
function parseFrames(log: Buffer): LogChunk[] {
  const chunks: LogChunk[] = [];
  for (let offset = 0; offset < log.length; ) {
    const length = log.readUInt32BE(offset + 4);
    chunks.push({ stream: log[offset] === 1 ? 'stdout' : 'stderr', data: log.subarray(offset + 8, offset + 8 + length) });
    offset += 8 + length;
  }
  return chunks;
}

async function untar(archive: Buffer): Promise<Array<{ name: string; type: string; data: string }>> {
  const entries: Array<{ name: string; type: string; data: string }> = [];
  const reader = extract();
  reader.end(archive);
  for await (const entry of reader) {
    const parts: Uint8Array[] = [];
    for await (const part of entry) if (part instanceof Uint8Array) parts.push(part);
    entries.push({ name: entry.header.name, type: entry.header.type, data: Buffer.concat(parts).toString('utf8') });
  }
  return entries;
}

function text(chunks: LogChunk[], stream: LogChunk['stream']): string {
  return Buffer.concat(chunks.filter((c) => c.stream === stream).map((c) => c.data)).toString('utf8');
}

/** Whether a process exists and is not a zombie (Linux /proc). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function untilPhase(job: RunnerJob, phase: RunnerPhase): Promise<void> {
  return new Promise((resolve) => {
    if (job.phase === phase) resolve();
    job.onPhase((p) => {
      if (p === phase) resolve();
    });
  });
}

describe('sandbox local job runner', function () {
  let baseDir: string;
  let jobCount = 0;

  before(async function () {
    baseDir = await mkdtemp(join(tmpdir(), 'runner-spec-'));
  });

  after(async function () {
    await rm(baseDir, { recursive: true, force: true });
  });

  function spec(overrides: Partial<RunnerJobSpec>): RunnerJobSpec {
    jobCount += 1;
    return {
      jobId: `job-${jobCount}`,
      baseDir,
      algorithm: { container: NODE_CONTAINER, code: '' },
      inputs: [],
      maxDurationSeconds: 20,
      phaseDelayMs: 5,
      ...overrides,
    };
  }

  function run(jobSpec: RunnerJobSpec): { job: RunnerJob; phases: RunnerPhase[]; done: Promise<RunnerOutcome> } {
    const job = startRunnerJob(jobSpec);
    const phases: RunnerPhase[] = [];
    job.onPhase((phase) => phases.push(phase));
    return { job, phases, done: job.done };
  }

  it('runs a node algorithm over inline input and algoCustomData, in Ocean phase order', async function () {
    const code = [
      "const fs = require('fs'); const path = require('path');",
      "const data = process.env.OCEAN_C2D_DATA || '/data';",
      'const dids = JSON.parse(process.env.DIDS);',
      "const input = fs.readFileSync(path.join(data, 'inputs', dids[0], '0'), 'utf8');",
      "const custom = JSON.parse(fs.readFileSync(path.join(data, 'inputs', 'algoCustomData.json'), 'utf8'));",
      "const lines = input.trim().split('\\n').length;",
      "fs.writeFileSync(path.join(data, 'outputs', 'result.json'), JSON.stringify({ lines, factor: custom.factor, cwd: process.cwd() }));",
      "console.log('lines', lines);",
    ].join('\n');
    const { job, phases, done } = run(
      spec({
        algorithm: { container: NODE_CONTAINER, code },
        inputs: [{ did: 'did:op:abc', files: [{ content: 'a,b\n1,2\n3,4\n' }] }],
        algoCustomData: { factor: 7 },
      }),
    );
    assert.equal(job.phase, 'pulling');
    assert.deepEqual(job.snapshot!(), { imageLog: '', configurationLog: '', algorithmLog: [] });
    const outcome = await done;

    assert.deepEqual(phases, ALL_PHASES);
    assert.equal(job.phase, 'finished');
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.failure, undefined);
    assert.equal(outcome.stopped, false);
    assert.equal(outcome.timedOut, false);
    assert.equal(outcome.outputsDir, join(job.dir, 'data', 'outputs'));
    const result = JSON.parse(await readFile(join(outcome.outputsDir, 'result.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(result, { lines: 3, factor: 7, cwd: job.dir });
    assert.equal(text(outcome.algorithmLog, 'stdout'), 'lines 3\n');
    assert.ok(outcome.startedAt <= outcome.finishedAt);

    assert.match(outcome.imageLog, /^20 : Pulling from library\/node\nDigest: sha256:[0-9a-f]{64}\nStatus: Image is up to date for node:20\nSuccessfully pulled image: node:20\n$/);
    assert.equal(
      outcome.configurationLog,
      `Writing algocustom data to '${job.dir}/data/inputs/algoCustomData.json'\n` +
        `Writing raw algo code to ${job.dir}/data/transformations/algorithm\n` +
        `Downloading asset 0 to ${job.dir}/data/inputs/did:op:abc/\n` +
        `Downloading asset to ${job.dir}/data/inputs/did:op:abc/0\n` +
        'All good with data provisioning, will start uploading it...\n',
    );
    assert.equal(await readFile(join(job.dir, 'data', 'logs', 'image.log'), 'utf8'), outcome.imageLog);
    assert.deepEqual(await readFile(join(job.dir, 'data', 'logs', 'algorithm.log')), dockerFrames(outcome.algorithmLog));

    job.stop(); // after finished: a no-op
    assert.equal(job.phase, 'finished');
    assert.equal((await job.done).stopped, false);
  });

  it('writes an image log like the recorded one from the container section', async function () {
    const checksum = `sha256:${'71c3759dc9939f1dae24f34f41369824d586a749aafa3830fbc8f3685b8d2ee6'}`;
    const { done } = run(spec({ algorithm: { container: { ...SH_CONTAINER, checksum }, code: 'true' } }));
    const outcome = await done;
    const recorded = recordedResult('b-free-compute-lifecycle.json', /^result index 0 /);
    const expected =
      '1 : Pulling from feas/busybox\nDigest: sha256:71c3759dc9939f1dae24f34f41369824d586a749aafa3830fbc8f3685b8d2ee6\n' +
      'Status: Image is up to date for 127.0.0.1:5000/feas/busybox:1\nSuccessfully pulled image: 127.0.0.1:5000/feas/busybox:1\n';
    assert.equal(outcome.imageLog, expected);
    assert.equal(outcome.imageLog, recorded.toString('utf8'));
  });

  it('runs a python3 algorithm', async function () {
    const code = [
      'import json, os',
      "data = os.environ.get('OCEAN_C2D_DATA', '/data')",
      "with open(os.path.join(data, 'outputs', 'py.json'), 'w') as f: json.dump({'dids': json.loads(os.environ['DIDS'])}, f)",
      "print('python done')",
    ].join('\n');
    const { done } = run(spec({ algorithm: { container: { entrypoint: 'python3 $ALGO', image: 'python', tag: '3.11' }, code }, inputs: [{ did: 'd1', files: [] }] }));
    const outcome = await done;
    assert.equal(outcome.exitCode, 0, text(outcome.algorithmLog, 'stderr'));
    assert.equal(text(outcome.algorithmLog, 'stdout'), 'python done\n');
    assert.deepEqual(JSON.parse(await readFile(join(outcome.outputsDir, 'py.json'), 'utf8')), { dids: ['d1'] });
  });

  describe('URL inputs', function () {
    let server: Server;
    let origin: string;
    /** Downloads of /slow that have begun, and those whose connection then closed. */
    const slow = { begun: 0, closed: 0 };

    before(async function () {
      server = createServer((req, res) => {
        if (req.url === '/data.csv') res.end('x\n1\n2\n');
        else if (req.url === '/slow') {
          // Never ends: only an abort closes it.
          slow.begun += 1;
          res.on('close', () => (slow.closed += 1));
          res.write('x');
        }
        else if (req.url === '/big') res.end(Buffer.alloc(4096, 65));
        else {
          res.statusCode = 404;
          res.end('not found');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async function () {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('fetches a URL served on 127.0.0.1 into data/inputs/<did>/0', async function () {
      const { job, done } = run(
        spec({
          algorithm: { container: SH_CONTAINER, code: 'wc -l < "$OCEAN_C2D_DATA/inputs/url-1/0"' },
          inputs: [{ did: 'url-1', files: [{ url: `${origin}/data.csv` }] }],
        }),
      );
      const outcome = await done;
      assert.equal(outcome.failure, undefined, outcome.configurationLog);
      assert.equal(await readFile(join(job.dir, 'data', 'inputs', 'url-1', '0'), 'utf8'), 'x\n1\n2\n');
      assert.equal(text(outcome.algorithmLog, 'stdout').trim(), '3');
    });

    it('fails data provisioning on HTTP errors and on inputs over maxInputBytes', async function () {
      for (const path of ['/missing', '/big']) {
        const { phases, done } = run(spec({ inputs: [{ did: 'd', files: [{ url: `${origin}${path}` }] }], maxInputBytes: 1024 }));
        const outcome = await done;
        assert.equal(outcome.failure, 'data-provisioning', path);
        assert.equal(outcome.exitCode, null);
        assert.deepEqual(phases, ['pulling', 'configuring', 'provisioning', 'finished']);
        assert.match(outcome.configurationLog, path === '/big' ? /larger than 1024 bytes/ : /HTTP 404/);
      }
    });

    it('stop() during a download aborts it and ends the job, stopped and not failed', async function () {
      const { job, phases, done } = run(spec({ inputs: [{ did: 'd', files: [{ url: `${origin}/slow` }] }] }));
      const begun = slow.begun;
      await until(() => slow.begun > begun, 'the download of /slow');
      job.stop();
      // The download never ends by itself: an outcome at all is the stop's.
      const outcome = await done;
      assert.equal(outcome.stopped, true);
      assert.equal(outcome.failure, undefined);
      assert.ok(!phases.includes('running'));
      await until(() => slow.closed === slow.begun, 'the aborted download closing its connection');
    });
  });

  it('refuses URL inputs that are not on a loopback host', async function () {
    for (const url of ['http://example.com/data.csv', 'http://10.0.0.1/data.csv', 'https://127.0.0.1/data.csv', 'file:///etc/passwd']) {
      const { phases, done } = run(spec({ inputs: [{ did: 'd', files: [{ url }] }] }));
      const outcome = await done;
      assert.equal(outcome.failure, 'data-provisioning', url);
      assert.equal(outcome.exitCode, null);
      assert.ok(!phases.includes('running'));
      assert.match(outcome.configurationLog, /Data provisioning failed: refusing/);
    }
  });

  it('fails algorithm provisioning when the code cannot be written, and refuses unsafe names', async function () {
    const jobSpec = spec({});
    await mkdir(join(baseDir, jobSpec.jobId, 'data', 'transformations', 'algorithm'), { recursive: true });
    const { phases, done } = run(jobSpec);
    const outcome = await done;
    assert.equal(outcome.failure, 'algorithm-provisioning');
    assert.equal(outcome.exitCode, null);
    assert.deepEqual(phases, ['pulling', 'configuring', 'provisioning', 'finished']);

    const escaping = await run(spec({ inputs: [{ did: '../escape', files: [{ content: 'x' }] }] })).done;
    assert.equal(escaping.failure, 'data-provisioning');
    assert.equal(existsSync(join(baseDir, 'escape')), false);
    assert.throws(() => startRunnerJob(spec({ jobId: '../outside' })), /cannot be a folder name/);
  });

  it('fails to start an entrypoint whose program has no local stand-in (Ocean Node status 41)', async function () {
    const { job, phases, done } = run(spec({ algorithm: { container: { ...NODE_CONTAINER, entrypoint: 'nonexistentbin $ALGO' }, code: 'x' } }));
    const outcome = await done;
    assert.equal(outcome.failure, 'start');
    assert.equal(outcome.exitCode, null);
    assert.deepEqual(outcome.algorithmLog, []);
    assert.deepEqual(phases, ['pulling', 'configuring', 'provisioning', 'running', 'finished']);
    assert.match(await readFile(join(job.dir, 'data', 'logs', 'algorithm.log'), 'utf8'), /"nonexistentbin"/);
  });

  it('reports a non-zero exit as exitCode, not as a failure, and keeps partial output', async function () {
    const code = 'echo about to fail; echo oops >&2; echo partial > "$OCEAN_C2D_DATA/outputs/partial.txt"; exit 3';
    const { phases, done } = run(spec({ algorithm: { container: SH_CONTAINER, code } }));
    const outcome = await done;
    assert.equal(outcome.exitCode, 3);
    assert.equal(outcome.failure, undefined);
    assert.deepEqual(phases, ALL_PHASES);
    assert.equal(text(outcome.algorithmLog, 'stdout'), 'about to fail\n');
    assert.equal(text(outcome.algorithmLog, 'stderr'), 'oops\n');
    assert.equal(await readFile(join(outcome.outputsDir, 'partial.txt'), 'utf8'), 'partial\n');
  });

  it('snapshot() shows the logs while running; stop() kills the algorithm and what it started: 137, stopped', async function () {
    const code = 'sleep 30 & echo $! > "$OCEAN_C2D_DATA/outputs/child.pid"; echo started; wait';
    const { job, done } = run(spec({ algorithm: { container: SH_CONTAINER, code } }));
    await untilPhase(job, 'running');
    const pidFile = join(job.dir, 'data', 'outputs', 'child.pid');
    await until(() => existsSync(pidFile) && text(job.snapshot!().algorithmLog, 'stdout') !== '', 'the child started and "started" written');
    const snapshot = job.snapshot!();
    assert.match(snapshot.imageLog, /^1 : Pulling from feas\/busybox\n/);
    assert.match(snapshot.configurationLog, /All good with data provisioning/);
    assert.equal(text(snapshot.algorithmLog, 'stdout'), 'started\n', 'output so far, while running');
    job.stop();
    // The algorithm waits 30 s for its child: an outcome within the test's timeout is the stop's.
    const outcome = await done;
    assert.equal(outcome.exitCode, 137);
    assert.equal(outcome.stopped, true);
    assert.equal(outcome.timedOut, false);
    assert.equal(outcome.failure, undefined);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    assert.ok(pid > 0);
    assert.equal(isAlive(pid), false, 'the background sleep is gone too');
  });

  it('stop() before running ends the job without running the algorithm', async function () {
    const code = "require('fs').writeFileSync(process.env.OCEAN_C2D_DATA + '/outputs/ran', '1')";
    const { job, phases, done } = run(spec({ algorithm: { container: NODE_CONTAINER, code }, phaseDelayMs: 50 }));
    job.stop();
    const outcome = await done;
    assert.equal(outcome.stopped, true);
    assert.equal(outcome.exitCode, 137);
    assert.equal(outcome.failure, undefined);
    assert.ok(!phases.includes('running'));
    assert.deepEqual(phases.slice(-2), ['publishing', 'finished']);
    assert.equal(existsSync(join(outcome.outputsDir, 'ran')), false);
  });

  it('kills an algorithm that outlives maxDurationSeconds: 137, timedOut', async function () {
    const { done } = run(spec({ algorithm: { container: NODE_CONTAINER, code: "console.log('hanging'); setInterval(() => {}, 1000);" }, maxDurationSeconds: 1 }));
    const outcome = await done;
    assert.equal(outcome.exitCode, 137);
    assert.equal(outcome.timedOut, true);
    assert.equal(outcome.stopped, false);
    assert.equal(text(outcome.algorithmLog, 'stdout'), 'hanging\n');
    // The algorithm never ends by itself: an outcome at all is the limit's, and not before it.
    assert.ok(outcome.finishedAt - outcome.startedAt >= 1000, `ended after ${outcome.finishedAt - outcome.startedAt} ms`);
  });

  describe('packOutputs', function () {
    it('tars folders and regular files named outputs/..., sorted, without symlinks', async function () {
      const dir = join(baseDir, 'pack', 'outputs');
      await mkdir(join(dir, 'sub'), { recursive: true });
      await writeFile(join(dir, 'b.txt'), 'bee\n');
      await writeFile(join(dir, 'a.json'), '{"a":1}');
      await writeFile(join(dir, 'sub', 'c.bin'), 'sea');
      await symlink('/etc/passwd', join(dir, 'link'));

      const entries = await untar(await packOutputs(dir));
      assert.deepEqual(
        entries.map((e) => [e.name, e.type, e.data]),
        [
          ['outputs/', 'directory', ''],
          ['outputs/a.json', 'file', '{"a":1}'],
          ['outputs/b.txt', 'file', 'bee\n'],
          ['outputs/sub/', 'directory', ''],
          ['outputs/sub/c.bin', 'file', 'sea'],
        ],
      );

      const recorded = recordedResult('b-free-compute-lifecycle.json', /^result index 3 /);
      const names = (await untar(recorded)).map((e) => e.name);
      assert.deepEqual(names, ['outputs/', 'outputs/answer.txt', 'outputs/copy.csv']);
      assert.equal(entries[0]!.name, names[0]);
    });

    it('packs an empty outputs folder as the root entry alone', async function () {
      const dir = join(baseDir, 'pack-empty');
      await mkdir(dir);
      assert.deepEqual((await untar(await packOutputs(dir))).map((e) => e.name), ['outputs/']);
    });
  });

  describe('dockerFrames', function () {
    it('encodes 8-byte Docker stream headers', function () {
      const framed = dockerFrames([
        { stream: 'stdout', data: Buffer.from('algorithm start 2026-11-25T01:50:49Z\n') },
        { stream: 'stderr', data: Buffer.from('oops\n') },
        { stream: 'stdout', data: Buffer.alloc(0) },
      ]);
      // First frame as recorded from Ocean Node: 01 00 00 00 00 00 00 25 (37 bytes of stdout).
      assert.deepEqual([...framed.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 0x25]);
      assert.equal(framed.subarray(8, 45).toString(), 'algorithm start 2026-11-25T01:50:49Z\n');
      assert.deepEqual([...framed.subarray(45, 53)], [2, 0, 0, 0, 0, 0, 0, 5]);
      assert.equal(framed.length, 45 + 8 + 5);
    });

    it('re-encodes the recorded algorithm.log byte for byte', function () {
      const recorded = recordedResult('b-free-compute-lifecycle.json', /^result index 2 /);
      const withStderr = recordedResult('c-failures-stop-early-results.json', /^c1 result index 2 /);
      const chunks = parseFrames(recorded);
      assert.deepEqual(dockerFrames(chunks.slice(0, 1)), recorded.subarray(0, 8 + 37));
      assert.deepEqual(dockerFrames(chunks), recorded);
      assert.deepEqual(dockerFrames(parseFrames(withStderr)), withStderr);
      assert.equal(withStderr[14 + 8], 2, 'the recorded stderr frame');
    });
  });
});
