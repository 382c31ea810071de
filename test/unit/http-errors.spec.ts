import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../src/ocean/http';
import { startCannedServer, type CannedServer } from '../helpers/canned-server';
import { failure } from '../helpers/failure';

const OPERATION = 'list compute environments';

describe('HttpClient: what a failed exchange is reported as', function () {
  let canned: CannedServer;
  beforeEach(async function () {
    canned = await startCannedServer();
  });
  afterEach(async function () {
    await canned.close();
  });
  const get = (url: string, extra: { signed?: boolean } = {}): Promise<unknown> => new HttpClient({ retries: 0 }).json({ operation: OPERATION, method: 'GET', url, ...extra });

  it('a refused connection: UNREACHABLE, in words, with the code in the details', async function () {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(get(`http://127.0.0.1:${port}/api/x?secret=1`));
    assert.equal(error.code, 'UNREACHABLE');
    assert.equal(error.message, `Could not ${OPERATION}: cannot reach http://127.0.0.1:${port}/api/x (connection refused). Check that the server runs and the URL is right.`);
    assert.deepEqual(error.details, { reason: 'ECONNREFUSED' });
  });

  it('a connection the server cuts: UNREACHABLE, connection reset', async function () {
    const cutter: Server = createServer((req) => req.socket.resetAndDestroy());
    await new Promise<void>((resolve) => cutter.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = cutter.address() as AddressInfo;
      const error = await failure(get(`http://127.0.0.1:${port}/`));
      assert.equal(error.code, 'UNREACHABLE');
      assert.match(error.message, /\(connection reset\)\. Check that the server runs/);
      assert.deepEqual(error.details, { reason: 'ECONNRESET' });
    } finally {
      await new Promise<void>((resolve) => cutter.close(() => resolve()));
    }
  });

  it('a body that is not JSON: its first 60 characters, trimmed, or "empty"', async function () {
    canned.answer({ status: 200, body: `   ${'x'.repeat(100)}  ` });
    const error = await failure(get(`${canned.url}/a`));
    assert.equal(error.code, 'BAD_RESPONSE');
    assert.equal(error.httpStatus, 200);
    assert.equal(error.message, `Could not ${OPERATION}: ${canned.url}/a answered HTTP 200 with a body that is not JSON ("${'x'.repeat(60)}")`);
    canned.answer({ status: 200, body: '  ' });
    assert.match((await failure(get(`${canned.url}/b`))).message, /with a body that is not JSON \(empty\)$/);
  });

  it('a 429 whose Retry-After is not a number: the wait the body names', async function () {
    canned.answer({ status: 429, body: 'Too busy. Try again in 7 seconds.', headers: { 'retry-after': 'soon' } });
    const error = await failure(get(`${canned.url}/a`));
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.retryAfterMs, 7000);
  });

  it('a signature complaint counts as an auth refusal only on a 400', async function () {
    const body = JSON.stringify({ message: 'Validation error', errors: { signature: ['Invalid signature provided.'] } });
    canned.answer({ status: 400, body });
    assert.equal((await failure(get(`${canned.url}/a`))).code, 'AUTH_REJECTED');
    canned.answer({ status: 422, body });
    const other = await failure(get(`${canned.url}/b`));
    assert.equal(other.code, 'REQUEST_REJECTED');
    assert.deepEqual(other.details, { fields: ['signature'], serverMessage: 'signature: Invalid signature provided.' });
  });

  it('a closed client sends nothing and says so', async function () {
    const client = new HttpClient({ retries: 0 });
    client.close();
    const error = await failure(client.json({ operation: OPERATION, method: 'GET', url: `${canned.url}/a` }));
    assert.equal(error.code, 'ABORTED');
    assert.equal(error.message, `Could not ${OPERATION}: the connection was closed`);
    assert.equal(canned.requests.length, 0);
  });

  it('a caller that gave up before the request: ABORTED, and nothing answered is used', async function () {
    canned.answer({ status: 200, body: '{}' });
    const signal = AbortSignal.abort();
    const error = await failure(new HttpClient({ retries: 0 }).json({ operation: OPERATION, method: 'GET', url: `${canned.url}/a?k=v`, signal }));
    assert.equal(error.code, 'ABORTED');
    assert.equal(error.message, `Could not ${OPERATION}: the request to ${canned.url}/a was cancelled`);
  });

  it("leaves no listener on the caller's signal once the exchange is over", async function () {
    canned.answer({ status: 200, body: '{"ok":true}' });
    const controller = new AbortController();
    const listening = new Set<unknown>();
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
      listening.add(`${type}`);
      add(type, listener, options);
    }) as typeof controller.signal.addEventListener;
    controller.signal.removeEventListener = ((type: string, listener: EventListener) => {
      listening.delete(`${type}`);
      remove(type, listener);
    }) as typeof controller.signal.removeEventListener;
    assert.deepEqual(await new HttpClient({ retries: 0 }).json({ operation: OPERATION, method: 'GET', url: `${canned.url}/a`, signal: controller.signal }), { ok: true });
    assert.deepEqual([...listening], []);
  });

  it('a streamed answer that fails carries the server’s message', async function () {
    canned.answer({ status: 500, body: JSON.stringify({ error: 'disk full' }) });
    const error = await failure(new HttpClient({ retries: 0 }).stream({ operation: 'fetch a result', method: 'GET', url: `${canned.url}/r` }));
    assert.equal(error.code, 'SERVER_ERROR');
    assert.equal(error.message, `Could not fetch a result: ${canned.url}/r answered HTTP 500: disk full`);
  });

  it('a signed request answered with any 3xx is refused, naming where it pointed', async function () {
    canned.answer({ status: 300, headers: { location: 'http://elsewhere.example/path?x=1' } });
    const error = await failure(get(`${canned.url}/a`, { signed: true }));
    assert.equal(error.code, 'BAD_RESPONSE');
    assert.equal(error.httpStatus, 300);
    assert.equal(error.message, `Could not ${OPERATION}: ${canned.url}/a answered with a redirect (HTTP 300 to http://elsewhere.example), which a signed request does not follow`);
  });
});
