import assert from 'node:assert/strict';
import { DEFAULT_ENVIRONMENTS, NODE_CONTAINER, startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient, type StartJobRequest } from '../../src/ocean';
import { MAX_NONCE_ATTEMPTS } from '../../src/ocean/auth/authenticator';
import { testAccount } from '../helpers/accounts';
import { failure } from '../helpers/failure';
import { startHostileProxy } from '../helpers/hostile-proxy';

const START = '/api/services/freeCompute';
const NONCE = '/api/services/nonce';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Signed calls without a token (one nonce each), as the user sees them: how often a refused
 * nonce is sent again before the refusal is reported, and that a start is never sent twice
 * for any other failure.
 */
describe('signed calls with a nonce: bounded retries (Ocean Node sandbox)', function () {
  let sandbox: Sandbox;
  let environment: string;
  const clients: OceanClient[] = [];
  const client = (account: number): OceanClient => {
    const made = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: testAccount(account).privateKey, useAuthToken: false });
    clients.push(made);
    return made;
  };
  const free = (): StartJobRequest => ({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: 'console.log(1)' } } });
  /** The requests since `from`, as "METHOD path status". */
  const sent = (from: number): string[] => sandbox.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}`);

  before(async function () {
    const roomy = { ...DEFAULT_ENVIRONMENTS[0]!, cpu: 16, ram: 16, disk: 16, free: { ...DEFAULT_ENVIRONMENTS[0]!.free!, maxJobs: 20 } };
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: [roomy] });
    const probe = new OceanClient({ providerUrl: sandbox.url, chainId: 8996 });
    environment = (await probe.pickEnvironment({ free: true })).id;
    probe.close();
  });

  after(async function () {
    clients.splice(0).forEach((c) => c.close());
    await sandbox.close();
  });

  it('a signed start answered with a redirect, even to the same server, is not sent again there: its nonce and signature are not replayed', async function () {
    const proxy = await startHostileProxy(sandbox.url);
    const c = new OceanClient({ providerUrl: proxy.url, chainId: 8996, privateKey: testAccount(33).privateKey, useAuthToken: false });
    try {
      await c.environments();
      proxy.rewrite({ method: 'POST', path: START, times: 1, respond: (_req, res) => {
        res.writeHead(307, { location: START });
        res.end();
      } });
      const error = await failure(c.startJob(free()));
      assert.equal(error.code, 'BAD_RESPONSE');
      assert.equal(error.message, `Could not start a free compute job: ${proxy.url}${START} answered with a redirect (HTTP 307 to ${START}), which a signed request does not follow; no job was started (the wallet's jobs were checked), so it is safe to start it again`);
      assert.equal(proxy.requests.filter((r) => r.method === 'POST' && r.url.startsWith(START)).length, 1);
      assert.equal(sandbox.context.jobs.ownedBy(testAccount(33).address).length, 0, 'no job was started');
    } finally {
      c.close();
      await proxy.close();
    }
  });

  it(`a nonce refused every time is sent ${MAX_NONCE_ATTEMPTS} times, the stored nonce read between sends, then AUTH_REJECTED`, async function () {
    assert.equal(MAX_NONCE_ATTEMPTS, 8);
    const c = client(30);
    await c.environments();
    const from = sandbox.requests.length;
    // Another program on the wallet takes each nonce first: the node refuses eight sends in a row; a ninth would pass.
    sandbox.fail({ method: 'POST', path: START, status: 401, body: '{"error":"nonce: 1 is not a valid nonce"}', contentType: JSON_TYPE, times: MAX_NONCE_ATTEMPTS });
    const error = await failure(c.startJob(free()));
    assert.equal(error.code, 'AUTH_REJECTED');
    assert.equal(error.httpStatus, 401);
    assert.equal(error.message, `Could not start a free compute job: ${sandbox.url}${START} answered HTTP 401: nonce: 1 is not a valid nonce`);
    const refused = `POST ${START} 401`;
    const read = `GET ${NONCE} 200`;
    assert.deepEqual(sent(from), [...Array.from({ length: MAX_NONCE_ATTEMPTS - 1 }, () => [refused, read]).flat(), refused]);
    assert.equal(sent(from).length, 15);
    assert.equal(sandbox.context.jobs.ownedBy(testAccount(30).address).length, 0, 'no job was started');
  });

  it(`a nonce refused ${MAX_NONCE_ATTEMPTS - 1} times passes on the last send`, async function () {
    const c = client(31);
    await c.environments();
    const from = sandbox.requests.length;
    sandbox.fail({ method: 'POST', path: START, status: 401, body: '{"error":"nonce: 1 is not a valid nonce"}', contentType: JSON_TYPE, times: MAX_NONCE_ATTEMPTS - 1 });
    const job = await c.startJob(free());
    assert.equal(sandbox.context.jobs.ownedBy(testAccount(31).address).length, 1);
    assert.ok(job.jobId);
    assert.equal(sent(from).filter((r) => r.startsWith(`POST ${START}`)).length, MAX_NONCE_ATTEMPTS);
    assert.equal(sent(from).at(-1), `POST ${START} 200`);
  });

  it('a refusal that is not about the nonce is reported at once: one send, no nonce read', async function () {
    const c = client(32);
    await c.environments();
    const from = sandbox.requests.length;
    sandbox.fail({ method: 'POST', path: START, status: 401, body: '{"error":"consumer address and nonce signature mismatch"}', contentType: JSON_TYPE });
    const error = await failure(c.startJob(free()));
    assert.equal(error.code, 'AUTH_REJECTED');
    assert.equal(error.message, `Could not start a free compute job: ${sandbox.url}${START} answered HTTP 401: consumer address and nonce signature mismatch`);
    assert.deepEqual(sent(from), [`POST ${START} 401`]);
  });

  it('a start answered 503 is not sent again (it may have started): SERVER_ERROR after one send', async function () {
    const c = client(33);
    await c.environments();
    const from = sandbox.requests.length;
    sandbox.fail({ method: 'POST', path: START, status: 503, body: '{"error":"Service Unavailable"}', contentType: JSON_TYPE });
    const error = await failure(c.startJob(free()));
    assert.equal(error.code, 'SERVER_ERROR');
    assert.equal(error.httpStatus, 503);
    assert.equal(error.message, `Could not start a free compute job: ${sandbox.url}${START} answered HTTP 503: Service Unavailable`);
    assert.deepEqual(sent(from), [`POST ${START} 503`]);
    assert.equal(sandbox.context.jobs.ownedBy(testAccount(33).address).length, 0);
  });
});
