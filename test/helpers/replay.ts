import assert from 'node:assert/strict';
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
}

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
  let compared = 0;
  for (const exchange of recording(file)) {
    if (options.skip?.(exchange)) continue;
    const { request, response } = exchange;
    const pause = options.waitBefore?.(exchange) ?? 0;
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    if (options.settleBefore?.(exchange)) await jobsSettled(sandbox);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = map(value);
    const answer = await send(sandbox, request.method, map(request.path), headers, requestBody(request, map));
    learnIds(ids, response, answer);
    assert.equal(answer.status, response.status, `#${exchange.seq} ${exchange.note}: status (body ${answer.text.slice(0, 120)})`);
    compareBody(exchange, answer, map);
    compared += 1;
  }
  return compared;
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
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
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

function compareBody(exchange: RecordedExchange, answer: Answer, map: (text: string) => string): void {
  const { response } = exchange;
  const what = `#${exchange.seq} ${exchange.note}`;
  if (response.bodyEncoding === 'base64') {
    assert.equal(answer.contentType, response.headers['content-type'] ?? null, `${what}: content type`);
    return;
  }
  if (response.bodyEncoding === 'empty' || response.body === '') {
    assert.equal(answer.text, '', `${what}: empty body`);
    return;
  }
  assert.equal(answer.contentType, response.headers['content-type'], `${what}: content type`);
  if (response.bodyEncoding === 'text' || typeof response.body === 'string') {
    const expected = typeof response.body === 'string' && response.bodyEncoding === 'json' ? JSON.stringify(response.body) : String(response.body);
    const text = response.bodyEncoding === 'json' ? answer.text : answer.text;
    if (/^<!DOCTYPE html>/.test(expected)) assert.equal(firstLineOfPre(text), firstLineOfPre(expected), `${what}: error page`);
    else assert.equal(text, map(expected), `${what}: body`);
    return;
  }
  const ours = JSON.parse(answer.text) as unknown;
  if (Array.isArray(response.body)) {
    assert.ok(Array.isArray(ours), `${what}: a list`);
    assert.equal(ours.length, response.body.length, `${what}: list length`);
    if (response.body.length > 0) assert.deepEqual(shapeOf(ours[0]), shapeOf(response.body[0]), `${what}: job shape`);
    return;
  }
  assert.deepEqual(shapeOf(ours), shapeOf(response.body), `${what}: shape`);
}

function firstLineOfPre(html: string): string {
  return (/<pre>([^<]*)/.exec(html)?.[1] ?? html).trim();
}

/** Results are asked for after the recorded jobs had produced them: let the sandbox's jobs finish first. */
async function jobsSettled(sandbox: Sandbox): Promise<void> {
  for (let i = 0; i < 200 && sandbox.context.jobs.running().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
}
