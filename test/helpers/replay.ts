import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { Sandbox } from '../../sandbox';
import { recording, shapeOf, type RecordedExchange } from './recordings';

/** What the recorded node called its one environment and its engine. */
const RECORDED_ENVIRONMENT = '0xff1004b67de08fc505fbf0a2089010d0f23015338c7def8557697513c4a39935-0x848d46dde475ece3939688741ae1e0b0ff49001c45e7e7156acbe1820a6c68b6';
const RECORDED_CLUSTER = RECORDED_ENVIRONMENT.split('-')[0]!;

export interface ReplayOptions {
  sandboxEnvironment: string;
  /** Exchanges to leave out (status polls whose timing cannot be replayed, say). */
  skip?: (exchange: RecordedExchange) => boolean;
  /** Recorded strings to replace in requests (a dataset URL served elsewhere, say). */
  substitutions?: Record<string, string>;
  /** Milliseconds to wait before an exchange (a token must expire first, say). */
  waitBefore?: (exchange: RecordedExchange) => number;
  /** The recorded jobs had ended before this exchange: wait for the sandbox's too. */
  settleBefore?: (exchange: RecordedExchange) => boolean;
  /** The recorded algorithms had written output before this exchange (a stop that kept a line, say): wait until the sandbox's running ones have. */
  outputBefore?: (exchange: RecordedExchange) => boolean;
  /** How many results the asked job had to show before this result call (its image log once pulled, say): the sandbox's job must show as many, or have ended. */
  resultsBefore?: (exchange: RecordedExchange) => number;
  /**
   * Lines of a result that depend on the host the job ran on (dates, directory listings): left out
   * on both sides before the rest is compared line by line. Every other byte must match.
   */
  hostLines?: RegExp;
  /** Nonces the recorded node already held per address when the recording began (it continued an earlier one). */
  storedNonces?: Record<string, bigint>;
}

/** Lines of an image pull that name the registry's own copy of the image: another registry, another digest. */
const PULL_DIGEST = /^Digest: sha256:[0-9a-f]{64}$/;

/** Fields that name the node itself (its libp2p identity): another node, other values of the same shape. */
const NODE_IDENTITY = ['nodeId', 'nodePublicKey'] as const;

/** A status answer whose jobs had all ended (71 settling, 70 finished, 41 failed...). */
export function isFinalStatus(exchange: RecordedExchange): boolean {
  const body = exchange.response.body;
  return (
    exchange.request.method === 'GET' &&
    exchange.request.path.startsWith('/api/services/compute?') &&
    Array.isArray(body) &&
    body.length > 0 &&
    body.every((job) => (job as { dateFinished?: unknown }).dateFinished !== null)
  );
}

export function isStatusPoll(exchange: RecordedExchange): boolean {
  return exchange.request.method === 'GET' && exchange.request.path.startsWith('/api/services/compute?');
}

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  bytes: Buffer;
}

/**
 * Replays a recording against the sandbox, request by request, and checks each answer has the
 * recorded status, content type and body (exact for messages, same shape for jobs). Ids the
 * node made up (environment, job ids, tokens) are mapped to the sandbox's own as they appear.
 * Recorded algorithms are swapped for harmless ones: they wrote to /data, which here would be the host.
 */
export async function replayRecording(file: string, sandbox: Sandbox, options: ReplayOptions): Promise<number> {
  const ids = new Map<string, string>([[RECORDED_ENVIRONMENT, options.sandboxEnvironment], ...Object.entries(options.substitutions ?? {})]);
  const ourCluster = options.sandboxEnvironment.split('-')[0]!;
  const map = (text: string): string => {
    let out = text;
    for (const [recorded, ours] of ids) out = out.split(recorded).join(ours);
    return out.split(RECORDED_CLUSTER).join(ourCluster);
  };
  for (const [address, nonce] of Object.entries(options.storedNonces ?? {})) sandbox.context.nonces.use(address, nonce);
  const hostLines = options.hostLines ? new RegExp(`${options.hostLines.source}|${PULL_DIGEST.source}`) : PULL_DIGEST;
  let compared = 0;
  for (const exchange of recording(file)) {
    if (options.skip?.(exchange)) {
      // A poll left out still says where the recorded jobs had got to: the sandbox's must get there too.
      await jobsReached(sandbox, exchange, map);
      continue;
    }
    const { request, response } = exchange;
    const pause = options.waitBefore?.(exchange) ?? 0;
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    if (options.settleBefore?.(exchange)) await jobsSettled(sandbox);
    if (options.outputBefore?.(exchange)) await jobsWrote(sandbox, exchange);
    await resultsShown(sandbox, exchange, options.resultsBefore?.(exchange) ?? 0, map);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = map(value);
    const answer = await send(sandbox, request.method, map(request.path), headers, requestBody(request, map));
    learnIds(ids, response, answer);
    assert.equal(answer.status, response.status, `#${exchange.seq} ${exchange.note}: status (body ${answer.text.slice(0, 120)})`);
    await compareBody(exchange, answer, map, hostLines);
    compared += 1;
  }
  return compared;
}

/** Recorded job status numbers in the order a job passes them (a failure or the end can come from any). */
const PROGRESS = [0, 1, 10, 20, 30, 40, 50, 60, 70];
const JOB_WAIT_MS = 30_000;

/**
 * Waits until each job of a recorded status answer has, in the sandbox, reached the recorded
 * status or gone past it (or ended), so the next exchange meets the job where the recorded one did.
 */
async function jobsReached(sandbox: Sandbox, exchange: RecordedExchange, map: (text: string) => string): Promise<void> {
  const body = exchange.response.body;
  if (!isStatusPoll(exchange) || !Array.isArray(body)) return;
  const wanted = new Map<string, number>();
  for (const job of body as Array<{ jobId?: string; status?: number }>) {
    if (job.jobId && typeof job.status === 'number' && PROGRESS.includes(job.status)) wanted.set(map(job.jobId), job.status);
  }
  const end = Date.now() + JOB_WAIT_MS;
  for (const [jobId, status] of wanted) {
    const localId = jobId.split('-').pop()!;
    for (;;) {
      const job = sandbox.context.jobs.get(localId);
      if (!job) break; // Not one of the sandbox's jobs (an id the recording never mapped): nothing to wait for.
      const now = job.status;
      if (!PROGRESS.includes(now) || PROGRESS.indexOf(now) >= PROGRESS.indexOf(status)) break;
      assert.ok(Date.now() < end, `#${exchange.seq}: job ${jobId} did not reach status ${status} within ${JOB_WAIT_MS} ms (at ${now})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Waits until every running sandbox job has written some output, or has ended. */
async function jobsWrote(sandbox: Sandbox, exchange: RecordedExchange): Promise<void> {
  const end = Date.now() + JOB_WAIT_MS;
  for (const job of sandbox.context.jobs.running()) {
    for (;;) {
      let wrote = false;
      // Following replays what the process wrote so far, at once; then it is let go.
      job.followAlgorithmLog({ chunk: () => (wrote = true), end: () => undefined })?.();
      if (wrote || !job.running) break;
      assert.ok(Date.now() < end, `#${exchange.seq}: job ${job.id} wrote no output within ${JOB_WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Waits until the job a result call asks about shows `count` results in the sandbox, or has ended. */
async function resultsShown(sandbox: Sandbox, exchange: RecordedExchange, count: number, map: (text: string) => string): Promise<void> {
  if (count === 0) return;
  const jobId = new URL(map(exchange.request.path), 'http://replay').searchParams.get('jobId');
  const job = jobId ? sandbox.context.jobs.get(jobId.split('-').pop()!) : undefined;
  assert.ok(job, `#${exchange.seq}: a result call about one of the sandbox's jobs`);
  const end = Date.now() + JOB_WAIT_MS;
  while (job.running && job.results.length < count) {
    assert.ok(Date.now() < end, `#${exchange.seq}: job ${job.id} showed ${job.results.length} of ${count} results within ${JOB_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function requestBody(request: RecordedExchange['request'], map: (text: string) => string): string | undefined {
  if (request.body === null || request.bodyEncoding === 'empty') return undefined;
  if (typeof request.body === 'string') return map(request.body);
  const body = JSON.parse(map(JSON.stringify(request.body))) as Record<string, unknown>;
  const algorithm = body.algorithm as { meta?: { rawcode?: string } } | undefined;
  if (algorithm?.meta?.rawcode !== undefined) algorithm.meta.rawcode = sandboxed(algorithm.meta.rawcode);
  // Tokens that expire are recorded as absolute times: keep their lifetime, not their date.
  if (typeof body.validUntil === 'number') body.validUntil = Date.now() + 3000;
  return JSON.stringify(body);
}

/**
 * The recorded shell algorithm, made to run in the sandbox's job folder: /data becomes
 * $OCEAN_C2D_DATA (never the host's /data), waits are five times shorter, and date calls go.
 */
function sandboxed(rawcode: string): string {
  return rawcode
    .replace(/\/data\b/g, '$OCEAN_C2D_DATA')
    .replace(/\$\(date[^)]*\)/g, 'now')
    .replace(/sleep (\d+)/g, (_match, seconds: string) => `sleep ${Math.max(0.2, Number(seconds) / 5)}`);
}

async function send(sandbox: Sandbox, method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  const response = await fetch(`${sandbox.url}${path}`, { method, headers, body });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, contentType: response.headers.get('content-type'), text: bytes.toString('utf8'), bytes };
}

/** Job ids and tokens the recorded node gave out map to the ones the sandbox gave out. */
function learnIds(ids: Map<string, string>, response: RecordedExchange['response'], answer: Answer): void {
  if (response.bodyEncoding !== 'json' || answer.status !== 200) return;
  const ours = JSON.parse(answer.text) as unknown;
  const recorded = response.body;
  if (Array.isArray(recorded) && Array.isArray(ours) && recorded.length === ours.length) {
    recorded.forEach((job, i) => {
      const theirs = (job as { jobId?: string }).jobId;
      const mine = (ours[i] as { jobId?: string }).jobId;
      if (theirs && mine) {
        ids.set(theirs, mine);
        ids.set(theirs.split('-').pop()!, mine.split('-').pop()!);
      }
    });
  }
  const token = (recorded as { token?: string } | null)?.token;
  const ourToken = (ours as { token?: string } | null)?.token;
  if (token && ourToken) ids.set(token, ourToken);
}

/**
 * The answer against the recorded one: status, content type, and the body by content. Binary
 * results by what they hold (a tar by its files, a Docker-framed log by its frames, other bytes
 * exactly); messages exactly; job lists job by job, every field a client reads.
 */
async function compareBody(exchange: RecordedExchange, answer: Answer, map: (text: string) => string, hostLines: RegExp | undefined): Promise<void> {
  const { response } = exchange;
  const what = `#${exchange.seq} ${exchange.note}`;
  assert.equal(answer.contentType, response.headers['content-type'] ?? null, `${what}: content type`);
  if (response.bodyEncoding === 'empty' || response.body === '') {
    assert.equal(answer.text, '', `${what}: empty body`);
    return;
  }
  if (response.bodyEncoding === 'base64') {
    await compareBytes(what, answer.bytes, Buffer.from(String(response.body), 'base64'), map, hostLines);
    return;
  }
  if (typeof response.body === 'string') {
    // A JSON string literal (Ocean Node's start errors) is compared as the JSON text it was sent as.
    const expected = response.bodyEncoding === 'json' ? JSON.stringify(response.body) : response.body;
    if (/^<!DOCTYPE html>/.test(expected)) assert.equal(firstLineOfPre(answer.text), firstLineOfPre(expected), `${what}: error page`);
    else assert.equal(answer.text, map(expected), `${what}: body`);
    return;
  }
  const ours = JSON.parse(answer.text) as unknown;
  const recorded = JSON.parse(map(JSON.stringify(response.body))) as unknown;
  if (Array.isArray(recorded)) {
    assert.ok(Array.isArray(ours), `${what}: a list`);
    assert.equal(ours.length, recorded.length, `${what}: list length`);
    if (JOB_ROUTES.test(exchange.request.path)) recorded.forEach((job, i) => compareJob(`${what}: job ${i}`, ours[i], job));
    // Environments describe another machine: each one only has the recorded shape.
    else recorded.forEach((item, i) => assert.deepEqual(shapeOf(ours[i]), shapeOf(item), `${what}: item ${i} shape`));
    return;
  }
  // Objects (a nonce, a token, the node's description): every value, once the ids the node made up
  // are mapped, but the node's own identity, which only has the recorded shape.
  const identity = (body: unknown): unknown => {
    if (body === null || typeof body !== 'object') return body;
    const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    for (const field of NODE_IDENTITY) if (field in copy) copy[field] = shapeOf(copy[field]);
    return copy;
  };
  assert.deepEqual(identity(ours), identity(recorded), `${what}: body`);
}

/** Routes that answer a list of jobs: start, status, stop. */
const JOB_ROUTES = /^\/api\/services\/(compute|freeCompute)(\?|$)/;

/** What a client reads of a job: these must be the recorded values (ids mapped); the rest only the same shape. */
const JOB_FIELDS = [
  'jobId',
  'owner',
  'status',
  'statusText',
  'environment',
  'stopRequested',
  'isFree',
  'resources',
  'terminationDetails',
  'maxJobDuration',
  'queueMaxWaitTime',
  'did',
  'inputDID',
  'algoDID',
  'agreementId',
  'payment',
  'metadata',
  'additionalViewers',
] as const;

/** Transaction hashes of another chain's history: each one only a hash (or none), as recorded. */
function txHashes(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, item] of Object.entries(copy)) if (/Tx$/.test(key) && typeof item === 'string' && /^0x[0-9a-f]{64}$/i.test(item)) copy[key] = 'a transaction hash';
  return copy;
}

function compareJob(what: string, ours: unknown, recorded: unknown): void {
  assert.deepEqual(shapeOf(ours), shapeOf(recorded), `${what}: shape`);
  const mine = ours as Record<string, unknown>;
  const theirs = recorded as Record<string, unknown>;
  for (const field of JOB_FIELDS) {
    if (field in theirs) assert.deepEqual(txHashes(mine[field]), txHashes(theirs[field]), `${what}: ${field}`);
  }
  assert.equal(mine.dateFinished === null, theirs.dateFinished === null, `${what}: finished or not`);
  const results = (list: unknown): unknown => (Array.isArray(list) ? list.map((r: Record<string, unknown>) => [r.index, r.type, r.filename]) : list);
  assert.deepEqual(results(mine.results), results(theirs.results), `${what}: results (index, type, file name)`);
}

async function compareBytes(what: string, ours: Buffer, recorded: Buffer, map: (text: string) => string, hostLines: RegExp | undefined): Promise<void> {
  if (isTar(recorded)) {
    assert.ok(isTar(ours), `${what}: a tar archive`);
    assert.deepEqual(await tarEntries(ours), await tarEntries(recorded), `${what}: the archive's entries and their bytes`);
    return;
  }
  if (isFramed(recorded)) {
    assert.ok(isFramed(ours), `${what}: a Docker-framed log`);
    const lines = (data: Buffer, side: (text: string) => string): string[] =>
      dockerFrames(data)
        .flatMap(({ stream, text }) => side(text).split('\n').filter((line) => line !== '').map((line) => `${stream} ${line}`))
        .filter((line) => !hostLines?.test(line.slice(2)));
    assert.deepEqual(lines(ours, hostPaths), lines(recorded, (text) => hostPaths(map(text))), `${what}: the log's frames (stream and text)`);
    return;
  }
  const lines = (text: string): string[] => hostPaths(text).split('\n').filter((line) => !hostLines?.test(line));
  assert.deepEqual(lines(ours.toString('utf8')), lines(map(recorded.toString('utf8'))), `${what}: the bytes`);
}

/** Paths of a job's folder on the host that ran it (Ocean Node's c2d_storage, the sandbox's temp folder) as the container sees them. */
function hostPaths(text: string): string {
  return text.replace(/(?:\.\/c2d_storage\/[^/\s']+\/[^/\s']+|\/[^\s'"]*)?\/data(?=[/'"\s:]|$)/g, '/data');
}

function isTar(data: Buffer): boolean {
  return data.length >= 512 && data.subarray(257, 262).toString('latin1') === 'ustar';
}

function isFramed(data: Buffer): boolean {
  return data.length >= 8 && (data[0] === 1 || data[0] === 2) && data[1] === 0 && data[2] === 0 && data[3] === 0;
}

/** Docker's stream frames: one byte stream id (1 stdout, 2 stderr), three zero bytes, a 4-byte length, the bytes. */
function dockerFrames(data: Buffer): Array<{ stream: number; text: string }> {
  const frames: Array<{ stream: number; text: string }> = [];
  for (let offset = 0; offset < data.length; ) {
    assert.ok(offset + 8 <= data.length, `a whole frame header at byte ${offset}`);
    const length = data.readUInt32BE(offset + 4);
    assert.ok(offset + 8 + length <= data.length, `a whole frame at byte ${offset}`);
    frames.push({ stream: data[offset]!, text: data.subarray(offset + 8, offset + 8 + length).toString('utf8') });
    offset += 8 + length;
  }
  return frames;
}

async function tarEntries(data: Buffer): Promise<Array<{ name: string; type: string; content: string }>> {
  const entries: Array<{ name: string; type: string; content: string }> = [];
  const archive = extract();
  archive.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    stream.on('end', () => {
      entries.push({ name: header.name.replace(/\/$/, ''), type: String(header.type), content: Buffer.concat(chunks).toString('utf8') });
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    archive.on('finish', resolve);
    archive.on('error', reject);
    Readable.from([data]).pipe(archive);
  });
  return entries;
}

function firstLineOfPre(html: string): string {
  return (/<pre>([^<]*)/.exec(html)?.[1] ?? html).trim();
}

/** Results are asked for after the recorded jobs had produced them: let the sandbox's jobs finish first. */
async function jobsSettled(sandbox: Sandbox): Promise<void> {
  for (let i = 0; i < 200 && sandbox.context.jobs.running().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
}
