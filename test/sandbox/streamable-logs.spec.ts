import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, get, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { NODE_CONTAINER, startSandbox, type Sandbox } from '../../sandbox';
import { runAlgorithm } from '../../sandbox/runner/algorithm-process';
import type { LogChunk } from '../../sandbox/runner';
import { testAccount } from '../helpers/accounts';
import { call, nextNonce, signRequest } from '../helpers/payments';

const LOGS_PATH = '/api/services/computeStreamableLogs';
/** Every wait on the sandbox or the algorithm gives up after this long and fails the test. */
const WAIT_MS = 10_000;

interface RecordedChunk {
  len: number;
  hex: string;
  text: string;
}
interface RecordedLogExchange {
  what: string;
  status: number;
  headers?: Record<string, string>;
  chunks?: RecordedChunk[];
}

/** The live-log recording from the real Ocean Node v3.1.0 (its own format: see the fixtures README). */
const RECORDED = (
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ocean-node-samples', 'i-streamable-logs.json'), 'utf8')) as { exchanges: RecordedLogExchange[] }
).exchanges;

function recorded(what: RegExp): RecordedLogExchange {
  const found = RECORDED.find((e) => what.test(e.what));
  assert.ok(found, `no recorded exchange matches ${what}`);
  return found;
}

function recordedText(exchange: RecordedLogExchange): string {
  return Buffer.concat((exchange.chunks ?? []).map((c) => Buffer.from(c.hex, 'hex'))).toString('utf8');
}

/** The headers whose presence and value the sandbox reproduces on every route (Express's own ones it leaves out). */
const COMPARED_HEADERS = ['content-type', 'content-length', 'transfer-encoding'];

function assertHeadersLike(actual: IncomingHttpHeaders, exchange: RecordedLogExchange): void {
  for (const name of COMPARED_HEADERS) {
    assert.equal(actual[name], exchange.headers?.[name], `header ${name} of "${exchange.what}"`);
  }
}

/** Splits Docker's multiplexed stream into chunks, checking each header; throws on a cut frame. */
function parseFrames(bytes: Buffer): LogChunk[] {
  const chunks: LogChunk[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    assert.ok(offset + 8 <= bytes.length, `a frame header is cut at byte ${offset}`);
    const kind = bytes[offset];
    assert.ok(kind === 1 || kind === 2, `stream byte ${String(kind)} at ${offset}`);
    assert.equal(bytes.readUIntBE(offset + 1, 3), 0, `bytes 1-3 of the frame at ${offset}`);
    const length = bytes.readUInt32BE(offset + 4);
    assert.ok(offset + 8 + length <= bytes.length, `the frame at ${offset} is cut`);
    chunks.push({ stream: kind === 1 ? 'stdout' : 'stderr', data: bytes.subarray(offset + 8, offset + 8 + length) });
    offset += 8 + length;
  }
  return chunks;
}

/** The text one stream wrote, from complete frames only. */
function streamText(bytes: Buffer, stream: LogChunk['stream']): string {
  let complete = 0;
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    const end = offset + 8 + bytes.readUInt32BE(offset + 4);
    if (end > bytes.length) break;
    complete = end;
    offset = end;
  }
  return Buffer.concat(
    parseFrames(bytes.subarray(0, complete))
      .filter((c) => c.stream === stream)
      .map((c) => c.data),
  ).toString('utf8');
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `condition` until it holds, for state no event announces (bounded by WAIT_MS). */
async function until(condition: () => boolean, what: string, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Where the test algorithm waits: it GETs <url>/<step> and goes on when the test releases that step,
 * so the test decides when the algorithm writes its next part and when it exits.
 */
interface Gate {
  url: string;
  arrived(step: string): Promise<void>;
  release(step: string): void;
  close(): Promise<void>;
}

async function startGate(): Promise<Gate> {
  const steps = new Map<string, { arrived: Promise<void>; arrive: () => void; released: boolean; held?: ServerResponse }>();
  const step = (name: string) => {
    let found = steps.get(name);
    if (!found) {
      let arrive = (): void => undefined;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      found = { arrived, arrive, released: false };
      steps.set(name, found);
    }
    return found;
  };
  const server = createServer((req, res) => {
    const current = step((req.url ?? '/').slice(1));
    current.arrive();
    if (current.released) res.end('go');
    else current.held = res;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived: (name) => withTimeout(step(name).arrived, `the algorithm reaching "${name}"`),
    release: (name) => {
      const current = step(name);
      current.released = true;
      current.held?.end('go');
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Writes to stdout and stderr in two parts around gates, then exits:
 * stdout "pid <pid>\ntick 1\n" + "tick 2\n" + "done\n"; stderr "warming up\n" + "almost done\n".
 */
function gatedAlgorithm(gateUrl: string): string {
  return `
const http = require('http');
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const gate = (step) => new Promise((resolve, reject) => {
  http.get(${JSON.stringify(gateUrl)} + '/' + step, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
});
(async () => {
  process.stdout.write('pid ' + process.pid + '\\n');
  await pause(10);
  process.stderr.write('warming up\\n');
  await pause(10);
  process.stdout.write('tick 1\\n');
  await gate('half');
  process.stdout.write('tick 2\\n');
  await pause(10);
  process.stderr.write('almost done\\n');
  await gate('end');
  process.stdout.write('done\\n');
})();
`;
}

const STDOUT_FIRST_PART = /^pid \d+\ntick 1\n$/;

/** Whether a process exists and is not a zombie (Linux /proc). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** One live-log request as the test sees it: the answer's head, the bytes so far, the outcome. */
interface LiveLog {
  status: number;
  headers: IncomingHttpHeaders;
  body(): Buffer;
  /** Resolves 'end' when the body ended properly, 'aborted' when the connection was cut mid-body. */
  finished: Promise<'end' | 'aborted'>;
  /** Resolves once the bytes received satisfy `check` (checked on each arrival). */
  receive(check: (body: Buffer) => boolean, what: string): Promise<void>;
  disconnect(): void;
}

/** Sends the request and resolves at the answer's head (which comes with the first frame while running). */
function openLog(url: string, headers: Record<string, string> = {}): Promise<LiveLog> {
  return withTimeout(
    new Promise<LiveLog>((resolve, reject) => {
      const request = get(url, { headers }, (response: IncomingMessage) => {
        const parts: Buffer[] = [];
        const waiters: Array<() => void> = [];
        const body = (): Buffer => Buffer.concat(parts);
        response.on('data', (part: Buffer) => {
          parts.push(part);
          for (const waiter of [...waiters]) waiter();
        });
        const finished = new Promise<'end' | 'aborted'>((done) => {
          response.once('end', () => done('end'));
          response.once('aborted', () => done('aborted'));
          response.once('error', () => done('aborted'));
        });
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body,
          finished: withTimeout(finished, `the end of ${url}`),
          receive: (check, what) =>
            withTimeout(
              new Promise<void>((done) => {
                const waiter = (): void => {
                  if (!check(body())) return;
                  waiters.splice(waiters.indexOf(waiter), 1);
                  done();
                };
                waiters.push(waiter);
                waiter();
              }),
              what,
            ),
          disconnect: () => request.destroy(),
        });
      });
      request.on('error', reject);
    }),
    `the answer to ${url}`,
  );
}

describe('sandbox: Ocean Node live algorithm log (computeStreamableLogs)', function () {
  this.timeout(30_000);
  const owner = new Wallet(testAccount(12).privateKey);
  const stranger = new Wallet(testAccount(13).privateKey);
  let sandbox: Sandbox;
  let gate: Gate;

  beforeEach(async function () {
    gate = await startGate();
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
  });

  afterEach(async function () {
    await sandbox.close();
    await gate.close();
  });

  async function signed(wallet: Wallet, command: string): Promise<{ consumerAddress: string; nonce: string; signature: string }> {
    const nonce = String(nextNonce());
    return { consumerAddress: wallet.address, nonce, signature: await signRequest(wallet, `${wallet.address}${nonce}${command}`) };
  }

  /** Starts the gated algorithm as a free job; resolves with its prefixed job id once it waits at "half". */
  async function startGatedJob(): Promise<string> {
    const environment = (await call(sandbox.url, 'GET', '/api/services/computeEnvironments')).json as Array<{ id: string }>;
    const answer = await call(sandbox.url, 'POST', '/api/services/freeCompute', {
      ...(await signed(owner, 'freeStartCompute')),
      environment: environment[0]?.id,
      algorithm: { meta: { rawcode: gatedAlgorithm(gate.url), container: NODE_CONTAINER } },
      datasets: [],
    });
    assert.equal(answer.status, 200, answer.text);
    const [job] = answer.json as Array<{ jobId: string }>;
    assert.ok(job);
    await gate.arrived('half');
    return job.jobId;
  }

  async function logsUrl(jobId: string, wallet: Wallet = owner): Promise<string> {
    const query = new URLSearchParams({ ...(await signed(wallet, 'getComputeStreamableLogs')), jobId });
    return `${sandbox.url}${LOGS_PATH}?${query}`;
  }

  function jobRecord(jobId: string) {
    const job = sandbox.context.jobs.get(jobId.slice(jobId.indexOf('-') + 1));
    assert.ok(job, `no job ${jobId} in the sandbox`);
    return job;
  }

  async function resultFile(jobId: string, index: number): Promise<Buffer> {
    const query = new URLSearchParams({ ...(await signed(owner, 'getComputeResult')), jobId, index: String(index) });
    const response = await fetch(`${sandbox.url}/api/services/computeResult?${query}`, { signal: AbortSignal.timeout(WAIT_MS) });
    assert.equal(response.status, 200);
    return Buffer.from(await response.arrayBuffer());
  }

  const firstPartArrived = (body: Buffer): boolean => STDOUT_FIRST_PART.test(streamText(body, 'stdout')) && streamText(body, 'stderr') === 'warming up\n';

  it('while running: 200, chunked, no content type, Docker frames of exactly what the process wrote, ending when it exits', async function () {
    const jobId = await startGatedJob();
    const live = await openLog(await logsUrl(jobId));
    const running = recorded(/while running/);
    assert.equal(live.status, running.status);
    assertHeadersLike(live.headers, running);
    // The recorded frames parse with the same decoder: one stdout frame per "tick N\n" the algorithm wrote.
    assert.deepEqual(
      parseFrames(Buffer.concat((running.chunks ?? []).map((c) => Buffer.from(c.hex, 'hex')))).map((c) => [c.stream, c.data.toString('utf8')]),
      (running.chunks ?? []).map((c) => ['stdout', c.text.slice(8)]),
    );

    await live.receive(firstPartArrived, 'the output written before the request');
    gate.release('half');
    await live.receive((body) => streamText(body, 'stderr') === 'warming up\nalmost done\n', 'the output written after the request');
    assert.equal(await Promise.race([live.finished, Promise.resolve('still open')]), 'still open', 'the stream ended while the process was running');
    gate.release('end');
    assert.equal(await live.finished, 'end');

    const body = live.body();
    assert.match(streamText(body, 'stdout'), /^pid \d+\ntick 1\ntick 2\ndone\n$/);
    assert.equal(streamText(body, 'stderr'), 'warming up\nalmost done\n');
    // One frame per chunk the runner captured, in its order: the same bytes as algorithm.log once the job is done.
    await withTimeout(jobRecord(jobId).done, 'the end of the job');
    assert.deepEqual(body, await resultFile(jobId, 2));
    assert.equal(jobRecord(jobId).logFollowers, 0);
  });

  it('a second request mid-run replays the log from its first byte, then follows it live too', async function () {
    const jobId = await startGatedJob();
    const first = await openLog(await logsUrl(jobId));
    await first.receive(firstPartArrived, 'the first part');
    gate.release('half');
    await first.receive((body) => streamText(body, 'stderr').endsWith('almost done\n'), 'the second part');
    const soFar = first.body();

    const second = await openLog(await logsUrl(jobId));
    await second.receive((body) => body.length >= soFar.length, 'the replay');
    assert.deepEqual(second.body().subarray(0, soFar.length), soFar);
    assert.equal(jobRecord(jobId).logFollowers, 2);

    gate.release('end');
    assert.deepEqual(await Promise.all([first.finished, second.finished]), ['end', 'end']);
    assert.deepEqual(second.body(), first.body());
    assert.match(streamText(second.body(), 'stdout'), /done\n$/);
  });

  it('ends the stream when the job is stopped; afterwards, and for unknown jobs, 404 with the recorded text', async function () {
    const jobId = await startGatedJob();
    const live = await openLog(await logsUrl(jobId));
    await live.receive(firstPartArrived, 'the first part');
    const stop = await call(sandbox.url, 'PUT', `/api/services/compute?${new URLSearchParams({ ...(await signed(owner, 'stopCompute')), jobId })}`);
    assert.equal(stop.status, 200, stop.text);
    assert.equal(await live.finished, 'end');

    const after = recorded(/after the job finished/);
    const unknown = recorded(/unknown job/);
    const unknownId = `${jobId.slice(0, jobId.indexOf('-'))}-${'ab'.repeat(32)}`;
    for (const [id, exchange] of [
      [jobId, after],
      [unknownId, unknown],
    ] as const) {
      const answer = await openLog(await logsUrl(id));
      assert.equal(answer.status, exchange.status, exchange.what);
      assertHeadersLike(answer.headers, exchange);
      assert.equal(await answer.finished, 'end');
      assert.equal(answer.body().toString('utf8'), recordedText(exchange));
    }
    await withTimeout(jobRecord(jobId).done, 'the end of the stopped job');
    const answer = await openLog(await logsUrl(jobId));
    assert.equal(answer.status, 404, 'after the job finished');
  });

  it('without auth: 401 with the recorded text; with a token instead of a signature: the stream', async function () {
    const jobId = await startGatedJob();
    const noAuth = recorded(/no nonce\/signature/);
    const refused = await openLog(`${sandbox.url}${LOGS_PATH}?${new URLSearchParams({ consumerAddress: owner.address, jobId })}`);
    assert.equal(refused.status, noAuth.status);
    assertHeadersLike(refused.headers, noAuth);
    assert.equal(await refused.finished, 'end');
    assert.equal(refused.body().toString('utf8'), recordedText(noAuth));

    const { consumerAddress, nonce, signature } = await signed(owner, 'createAuthToken');
    const created = await call(sandbox.url, 'POST', '/api/services/auth/token', { address: consumerAddress, nonce, signature });
    assert.equal(created.status, 200, created.text);
    const { token } = created.json as { token: string };
    const url = `${sandbox.url}${LOGS_PATH}?${new URLSearchParams({ consumerAddress: owner.address, jobId })}`;
    const live = await openLog(url, { Authorization: token });
    assert.equal(live.status, 200);
    await live.receive(firstPartArrived, 'the log over a token');
    const garbage = await openLog(url, { Authorization: 'not-a-token' });
    assert.equal(garbage.status, 401);
    await garbage.finished;
    assert.equal(garbage.body().toString('utf8'), 'Invalid token');
  });

  it('does not check who owns the job, as Ocean Node v3.1.0 does not: another signed consumer gets the stream', async function () {
    const jobId = await startGatedJob();
    const live = await openLog(await logsUrl(jobId, stranger));
    assert.equal(live.status, 200);
    await live.receive(firstPartArrived, "the owner's log for another consumer");
  });

  it('uses up the nonce like every signed command: the same signed URL twice is refused', async function () {
    const jobId = await startGatedJob();
    const url = await logsUrl(jobId);
    const live = await openLog(url);
    assert.equal(live.status, 200);
    const again = await openLog(url);
    assert.equal(again.status, 401);
    await again.finished;
    assert.match(again.body().toString('utf8'), /^nonce: \d+ is not a valid nonce$/);
  });

  it('answers malformed requests as the node\'s handler does: 400 without jobId or with a bad address, 500 for another engine', async function () {
    const missing = await openLog(`${sandbox.url}${LOGS_PATH}?${new URLSearchParams(await signed(owner, 'getComputeStreamableLogs'))}`);
    assert.equal(missing.status, 400);
    await missing.finished;
    assert.equal(missing.body().toString('utf8'), 'Missing one ( "jobId" ) or more required field(s) for command: "getComputeStreamableLogs". Required fields: jobId');

    const badAddress = await openLog(`${sandbox.url}${LOGS_PATH}?${new URLSearchParams({ consumerAddress: '0x1234', jobId: 'a-b' })}`);
    assert.equal(badAddress.status, 400);
    await badAddress.finished;
    assert.equal(badAddress.body().toString('utf8'), 'Parameter : "consumerAddress" is not a valid web3 address');

    const otherEngine = await openLog(await logsUrl(`0x${'12'.repeat(32)}-${'ab'.repeat(32)}`));
    assert.equal(otherEngine.status, 500);
    await otherEngine.finished;
    assert.equal(otherEngine.body().toString('utf8'), 'Invalid C2D Environment');
  });

  it('a client that disconnects is unsubscribed; the job runs on and can be followed again', async function () {
    const jobId = await startGatedJob();
    const job = jobRecord(jobId);
    const live = await openLog(await logsUrl(jobId));
    await live.receive(firstPartArrived, 'the first part');
    assert.equal(job.logFollowers, 1);
    live.disconnect();
    await until(() => job.logFollowers === 0, 'the release of the disconnected reader');
    assert.equal(job.running, true);

    const again = await openLog(await logsUrl(jobId));
    await again.receive(firstPartArrived, 'the replay after a reconnect');
    assert.equal(job.logFollowers, 1);
    gate.release('half');
    gate.release('end');
    assert.equal(await again.finished, 'end');
    assert.equal(job.logFollowers, 0);
  });

  it('closing the sandbox ends open log responses and kills the algorithm', async function () {
    const jobId = await startGatedJob();
    const live = await openLog(await logsUrl(jobId));
    await live.receive(firstPartArrived, 'the first part');
    const pid = Number(/^pid (\d+)\n/.exec(streamText(live.body(), 'stdout'))?.[1]);
    assert.ok(pid > 0);
    assert.equal(isAlive(pid), true);
    await withTimeout(sandbox.close(), 'sandbox.close()');
    assert.equal(await live.finished, 'aborted');
    assert.equal(isAlive(pid), false);
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 }); // for afterEach
  });

  it('counts against the rate limit like every other request', async function () {
    await sandbox.close();
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 4 });
    const jobId = await startGatedJob(); // requests 1 and 2: environments, start
    const live = await openLog(await logsUrl(jobId)); // 3
    assert.equal(live.status, 200);
    const unsigned = `${sandbox.url}${LOGS_PATH}?${new URLSearchParams({ jobId })}`;
    assert.equal((await openLog(unsigned)).status, 401); // 4
    const limited = await openLog(unsigned); // 5
    assert.equal(limited.status, 429);
    await limited.finished;
    assert.match(limited.body().toString('utf8'), /^Rate limit exceeded\. Try again in \d+ seconds\.$/);
    assert.deepEqual(
      sandbox.requests.filter((r) => r.path === LOGS_PATH).map((r) => r.status),
      [0, 401, 429], // the live one is still open
    );
  });

  it('a stream-cut fault drops the stream after N frames, mid-body; a reconnect replays from the first byte', async function () {
    const jobId = await startGatedJob();
    const job = jobRecord(jobId);
    sandbox.fail({ method: 'GET', path: LOGS_PATH, dropAfterChunks: 2 });
    const cut = await openLog(await logsUrl(jobId));
    assert.equal(cut.status, 200);
    assert.equal(await cut.finished, 'aborted');
    const frames = parseFrames(cut.body());
    assert.equal(frames.length, 2);
    await until(() => job.logFollowers === 0, 'the release of the cut reader');

    const again = await openLog(await logsUrl(jobId));
    await again.receive(firstPartArrived, 'the replay after the cut');
    assert.deepEqual(again.body().subarray(0, cut.body().length), cut.body());
    gate.release('half');
    gate.release('end');
    assert.equal(await again.finished, 'end');
  });

  it('Provider v2 has no such route (404 as before)', async function () {
    const v2 = await startSandbox({ dialect: 'provider-v2' });
    try {
      const answer = await call(v2.url, 'GET', `${LOGS_PATH}?jobId=x`);
      assert.equal(answer.status, 404);
      assert.deepEqual(answer.json, { error: '404 Not Found: The requested URL was not found on the server.' });
    } finally {
      await v2.close();
    }
  });
});

describe('sandbox runner: following an algorithm\'s output', function () {
  const SH = (script: string) => ({ program: 'sh', command: '/bin/sh', args: ['-c', script] });
  const options = { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, maxDurationMs: WAIT_MS };

  function collect(): { chunks: LogChunk[]; ended: Promise<void>; follower: { chunk(c: LogChunk): void; end(): void } } {
    const chunks: LogChunk[] = [];
    let end = (): void => undefined;
    const ended = new Promise<void>((resolve) => (end = resolve));
    return { chunks, ended, follower: { chunk: (c) => chunks.push(c), end: () => end() } };
  }

  it('hands a follower every chunk in order, stdout and stderr apart, then the end; the same as the result', async function () {
    const algorithm = runAlgorithm(SH("printf 'one\n'; sleep 0.05; printf 'two\n' >&2; sleep 0.05; printf 'three\n'"), options);
    const early = collect();
    algorithm.follow(early.follower);
    assert.equal(algorithm.followers, 1);
    const result = await withTimeout(algorithm.result, 'the exit');
    await withTimeout(early.ended, 'the end');
    assert.deepEqual(early.chunks, result.chunks);
    assert.equal(Buffer.concat(early.chunks.filter((c) => c.stream === 'stdout').map((c) => c.data)).toString(), 'one\nthree\n');
    assert.equal(Buffer.concat(early.chunks.filter((c) => c.stream === 'stderr').map((c) => c.data)).toString(), 'two\n');
    assert.equal(algorithm.followers, 0);
    assert.equal(algorithm.running, false);

    const late = collect();
    algorithm.follow(late.follower);
    await withTimeout(late.ended, 'the end for a late follower');
    assert.deepEqual(late.chunks, result.chunks);
    assert.equal(algorithm.followers, 0);
  });

  it('stops delivering to a follower that unsubscribed or threw, and keeps capturing', async function () {
    const algorithm = runAlgorithm(SH("printf 'a\n'; sleep 0.1; printf 'b\n'; sleep 0.1; printf 'c\n'"), options);
    const quitter = collect();
    const thrower = {
      chunk: () => {
        throw new Error('broken reader');
      },
      end: () => undefined,
    };
    const steady = collect();
    const stop = algorithm.follow(quitter.follower);
    algorithm.follow(thrower);
    algorithm.follow(steady.follower);
    await until(() => quitter.chunks.length > 0, 'the first chunk');
    stop();
    assert.equal(algorithm.followers, 1);
    const result = await withTimeout(algorithm.result, 'the exit');
    await withTimeout(steady.ended, 'the end');
    assert.deepEqual(steady.chunks, result.chunks);
    assert.equal(Buffer.concat(result.chunks.map((c) => c.data)).toString(), 'a\nb\nc\n');
    assert.ok(quitter.chunks.length < result.chunks.length);
  });

  it('a process that cannot start ends its followers at once and is never running', async function () {
    const algorithm = runAlgorithm({ program: 'x', command: '/nonexistent/interpreter', args: [] }, options);
    assert.equal(algorithm.running, false);
    const follower = collect();
    algorithm.follow(follower.follower);
    const result = await withTimeout(algorithm.result, 'the spawn error');
    assert.ok(result.spawnError);
    await withTimeout(follower.ended, 'the end');
    assert.deepEqual(follower.chunks, []);
  });
});
