import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox';
import { exchange, recording, shapeOf, type RecordedExchange } from '../helpers/recordings';

interface Answer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  text: string;
}

async function replay(sandbox: Sandbox, request: RecordedExchange['request'], extraHeaders: Record<string, string> = {}): Promise<Answer> {
  const body = request.body === null ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const response = await fetch(`${sandbox.url}${request.path}`, {
    method: request.method,
    headers: { ...request.headers, ...extraHeaders },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    text: await response.text(),
  };
}

describe('sandbox answers as the recorded Ocean Node v3.1.0', function () {
  let sandbox: Sandbox;

  beforeEach(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node' });
  });

  afterEach(async function () {
    await sandbox.close();
  });

  it('GET /: same fields in the same order, same endpoint map', async function () {
    const recorded = exchange('a-discovery', /^root/);
    const answer = await replay(sandbox, recorded.request);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    const expected = recorded.response.body as Record<string, unknown>;
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, recorded.response.headers['content-type']);
    assert.deepEqual(Object.keys(body), Object.keys(expected));
    assert.deepEqual(body.serviceEndpoints, expected.serviceEndpoints);
    assert.deepEqual([body.software, body.version, body.chainIds], [expected.software, expected.version, expected.chainIds]);
    assert.equal(Object.keys(body.nodePublicKey as object).length, 33);
  });

  it('GET /api/services/nonce: "0" for new, lower-case, missing and malformed addresses', async function () {
    for (const e of recording('a-discovery').filter((x) => x.request.path.startsWith('/api/services/nonce'))) {
      if (/already made signed calls/.test(e.note)) continue;
      const answer = await replay(sandbox, e.request);
      assert.equal(answer.status, e.response.status, e.note);
      assert.deepEqual(JSON.parse(answer.text), e.response.body, e.note);
      assert.equal(answer.contentType, e.response.headers['content-type'], e.note);
    }
  });

  it('GET /api/services/computeEnvironments: the recorded shape, and [] for a chain it does not serve', async function () {
    const all = exchange('a-discovery', /^all compute environments/);
    const answer = await replay(sandbox, all.request);
    const envs = JSON.parse(answer.text) as Array<Record<string, unknown>>;
    const recorded = all.response.body as Array<Record<string, unknown>>;
    assert.deepEqual(shapeOf(envs[0]), shapeOf(recorded[0]));
    assert.deepEqual(Object.keys(envs[0]!), Object.keys(recorded[0]!), 'same key order');
    assert.match(String(envs[0]!.id), /^0x[0-9a-f]{64}-0x[0-9a-f]{64}$/);
    const other = exchange('a-discovery', /chainId=1 /);
    assert.deepEqual(JSON.parse((await replay(sandbox, other.request)).text), []);
  });

  it('DELETE /api/services/compute and unknown routes answer 404 like Express', async function () {
    for (const note of [/^DELETE/, /^unknown route/]) {
      const e = exchange('f-errors', note);
      const answer = await replay(sandbox, e.request);
      assert.equal(answer.status, 404);
      assert.equal(answer.text, e.response.body);
      assert.equal(answer.contentType, e.response.headers['content-type']);
    }
  });

  it('rate limit: 429 after the limit, no Retry-After, counted per X-Forwarded-For', async function () {
    await sandbox.close();
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 10 });
    const burst = recording('f-rate-limit').filter((e) => /rapid request/.test(e.note));
    for (const e of burst) {
      const answer = await replay(sandbox, e.request);
      assert.equal(answer.status, e.response.status, e.note);
      if (e.response.status === 429) {
        assert.equal(answer.text, e.response.body);
        assert.equal(answer.contentType, e.response.headers['content-type']);
        assert.equal(answer.retryAfter, null);
      }
    }
    const forwarded = exchange('f-rate-limit', /X-Forwarded-For/);
    assert.equal((await replay(sandbox, forwarded.request)).status, 200);
  });
});

describe('sandbox answers as a Provider v2', function () {
  let sandbox: Sandbox;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'provider-v2' });
  });

  after(async function () {
    await sandbox.close();
  });

  it('GET / names the software, the chains as numbers and a provider address per chain', async function () {
    const body = (await (await fetch(`${sandbox.url}/`)).json()) as Record<string, unknown>;
    assert.equal(body.software, 'Provider');
    assert.deepEqual(body.chainIds, [8996]);
    assert.deepEqual(Object.keys(body.providerAddresses as object), ['8996']);
    assert.ok('create_auth_token' in (body.serviceEndpoints as object));
  });

  it('keys environments by chain id and starts a new address at nonce 1', async function () {
    const envs = (await (await fetch(`${sandbox.url}/api/services/computeEnvironments?chainId=8996`)).json()) as Record<string, unknown[]>;
    assert.deepEqual(Object.keys(envs), ['8996']);
    const nonce = await fetch(`${sandbox.url}/api/services/nonce?userAddress=0x0000000000000000000000000000000000000001`);
    assert.equal(nonce.headers.get('content-type'), 'application/json');
    assert.deepEqual(await nonce.json(), { nonce: '1' });
  });
});
