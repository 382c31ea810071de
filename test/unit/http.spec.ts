import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox';
import { OceanError } from '../../src/ocean/errors';
import { HttpClient } from '../../src/ocean/http';

const PATH = '/api/services/computeEnvironments';

describe('HttpClient', function () {
  let sandbox: Sandbox;

  beforeEach(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node' });
  });

  afterEach(async function () {
    await sandbox.close();
  });

  const get = (http: HttpClient, idempotent = true): Promise<unknown> =>
    http.json({ operation: 'list compute environments', method: 'GET', url: `${sandbox.url}${PATH}?consumerAddress=0xsecret`, idempotent });

  async function failure(promise: Promise<unknown>): Promise<OceanError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof OceanError);
      return error;
    }
    throw new Error('expected a failure');
  }

  it('maps a 429 to RATE_LIMITED with the wait the body names', async function () {
    sandbox.fail({ method: 'GET', path: PATH, status: 429, body: 'Rate limit exceeded. Try again in 42 seconds.' });
    const error = await failure(get(new HttpClient()));
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.retryAfterMs, 42_000);
    assert.equal(error.retryable, true);
    assert.equal(sandbox.requests.length, 1, 'a long wait is left to the caller, not retried');
    assert.doesNotMatch(error.message, /0xsecret/, 'the query string stays out of messages');
  });

  it('retries an idempotent request after a 503, but not a non-idempotent one', async function () {
    sandbox.fail({ method: 'GET', path: PATH, status: 503, body: 'busy' });
    assert.ok(Array.isArray(await get(new HttpClient())));
    assert.equal(sandbox.requests.length, 2);
    sandbox.fail({ method: 'GET', path: PATH, status: 503, body: 'busy' });
    const error = await failure(get(new HttpClient(), false));
    assert.equal(error.code, 'SERVER_ERROR');
    assert.equal(error.retryable, true);
    assert.equal(sandbox.requests.length, 3);
  });

  it('times out within the bound it was given', async function () {
    sandbox.fail({ method: 'GET', path: PATH, status: 200, body: '[]', delayMs: 1500 });
    const error = await failure(get(new HttpClient({ timeoutMs: 200, retries: 0 })));
    assert.equal(error.code, 'TIMEOUT');
    assert.match(error.message, /no answer from http:\/\/127\.0\.0\.1:\d+\/api\/services\/computeEnvironments within 200 ms/);
    // The client gave up before the server's answer (held for 1.5 s) was sent, however slow the machine.
    assert.equal(sandbox.requests.at(-1)?.status, 0, 'the server had not answered yet');
  });

  it('close() cancels what is in flight and refuses new requests', async function () {
    sandbox.fail({ method: 'GET', path: PATH, status: 200, body: '[]', delayMs: 1500 });
    const http = new HttpClient();
    const pending = failure(get(http));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(http.pending, 1);
    http.close();
    assert.equal((await pending).code, 'ABORTED');
    assert.equal((await failure(get(http))).code, 'ABORTED');
    assert.equal(http.pending, 0);
  });
});
