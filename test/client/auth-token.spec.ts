import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { failure } from '../helpers/failure';
import { startWireLog, type WireLog } from '../helpers/wire-log';

const MINUTE = 60_000;
/** A token is asked for an hour and replaced five minutes before that hour ends. */
const LIFETIME = 60 * MINUTE;
const RENEWAL_AT = 55 * MINUTE;
const TOKEN_PATH = '/api/services/auth/token';

describe('auth tokens: made once, renewed before they run out (Ocean Node sandbox)', function () {
  let sandbox: Sandbox;
  let wire: WireLog;
  const clients: OceanClient[] = [];
  /**
   * A client on the wire log with the given clock, on a wallet of its own (each test its own
   * account: the node keeps the nonces an earlier test's clock pushed ahead).
   */
  const clientAt = (now: () => number, account: number): OceanClient => {
    const made = new OceanClient({ providerUrl: wire.url, chainId: 8996, privateKey: testAccount(account).privateKey, clock: now });
    clients.push(made);
    return made;
  };
  const tokenRequests = (): Array<Record<string, unknown>> => wire.to(TOKEN_PATH, 'POST').map((r) => r.body as Record<string, unknown>);
  /** The Authorization header of each stop sent so far. */
  const stopTokens = (): unknown[] => wire.to('/api/services/compute', 'PUT').map((r) => r.headers.authorization);
  /** The nonce of the token request that made `token` (the node keeps it in the token). */
  const madeWithNonce = (token: unknown): string | undefined => sandbox.context.tokens.verify(String(token))?.nonce;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
  });

  after(async function () {
    await sandbox.close();
  });

  beforeEach(async function () {
    wire = await startWireLog(sandbox.url);
  });

  afterEach(async function () {
    clients.splice(0).forEach((c) => c.close());
    await wire.close();
  });

  /** A signed call: stopping a job the node does not know is refused, after the token was sent. */
  const signedCall = async (client: OceanClient): Promise<void> => {
    await client.stopJob('0xnot-a-job').catch(() => undefined);
  };

  it('one token serves every signed call until five minutes before its hour ends; then one new token serves them', async function () {
    let offset = 0;
    const client = clientAt(() => Date.now() + offset, 7);
    const tokensMade = (): number => sandbox.requests.filter((r) => r.method === 'POST' && r.path === TOKEN_PATH).length;
    const before = tokensMade();
    await signedCall(client);
    await signedCall(client);
    assert.equal(tokensMade() - before, 1, 'the first call makes a token, the second reuses it');
    offset = RENEWAL_AT - 1_000;
    await signedCall(client);
    assert.equal(tokensMade() - before, 1, 'a second before the renewal point: still the same token');
    offset = RENEWAL_AT + 1_000;
    await signedCall(client);
    assert.equal(tokensMade() - before, 2, 'past the renewal point: a new token');
    await signedCall(client);
    assert.equal(tokensMade() - before, 2, 'the new token is kept');
    assert.equal(wire.to('/api/services/compute', 'PUT').length, 5, 'every stop reached the node');
  });

  it('the token is asked for exactly one hour (validUntil in ms, a number) and renewed at exactly 55 minutes, not a millisecond later', async function () {
    const start = Date.now();
    let now = start;
    const client = clientAt(() => now, 20);
    await signedCall(client);
    assert.equal(tokenRequests().length, 1);
    const [first] = tokenRequests();
    assert.equal(first!.validUntil, start + LIFETIME, 'an hour from the clock, in ms, as a JSON number');
    assert.equal(first!.address, testAccount(20).address);
    now = start + RENEWAL_AT - 1;
    await signedCall(client);
    assert.equal(tokenRequests().length, 1, 'a millisecond before the renewal point: the same token');
    now = start + RENEWAL_AT;
    await signedCall(client);
    assert.equal(tokenRequests().length, 2, 'at the renewal point: a new token');
    const second = tokenRequests()[1]!;
    assert.equal(second.validUntil, start + RENEWAL_AT + LIFETIME, 'again an hour from the clock');
    now = start + RENEWAL_AT + RENEWAL_AT - 1;
    await signedCall(client);
    assert.equal(tokenRequests().length, 2, 'the new token lives its own 55 minutes');
    const used = stopTokens().map(madeWithNonce);
    assert.deepEqual(used, [String(first!.nonce), String(first!.nonce), String(second.nonce), String(second.nonce)], 'each stop carries the token made last');
  });

  it('calls that find the token due together share one new token', async function () {
    const start = Date.now();
    let now = start;
    const client = clientAt(() => now, 21);
    await signedCall(client);
    now = start + RENEWAL_AT;
    await Promise.all([signedCall(client), signedCall(client), signedCall(client)]);
    assert.equal(tokenRequests().length, 2, 'the first token, then one new token for the three calls');
    const renewed = String(tokenRequests()[1]!.nonce);
    assert.deepEqual(stopTokens().slice(1).map(madeWithNonce), [renewed, renewed, renewed]);
  });

  it('a token answer without a token: BAD_RESPONSE, and the next call asks for a new token', async function () {
    const client = clientAt(Date.now, 22);
    for (const body of ['{}', 'null', '{"token":42}']) {
      sandbox.fail({ method: 'POST', path: TOKEN_PATH, status: 200, body, contentType: 'application/json; charset=utf-8' });
      const error = await failure(client.stopJob('0xnot-a-job'));
      assert.equal(error.code, 'BAD_RESPONSE', body);
      assert.equal(error.message, 'The server answered the auth token request without a token', body);
    }
    assert.equal(tokenRequests().length, 3, 'one token request per call');
    assert.deepEqual(stopTokens(), [], 'no stop was sent without a token');
    await signedCall(client);
    assert.equal(tokenRequests().length, 4, 'a failed token is not kept: the next call asks again');
    assert.equal(madeWithNonce(stopTokens()[0]), String(tokenRequests()[3]!.nonce));
  });

  it('a refusal that names an "invalid token" but is not an auth refusal is reported as it is, not answered with a new token', async function () {
    const client = clientAt(Date.now, 23);
    await signedCall(client);
    sandbox.fail({ method: 'PUT', path: '/api/services/compute', status: 400, body: '{"error":"Invalid token address for this chain"}', contentType: 'application/json; charset=utf-8' });
    const error = await failure(client.stopJob('0xnot-a-job'));
    assert.equal(error.code, 'REQUEST_REJECTED');
    assert.equal(error.httpStatus, 400);
    assert.match(error.message, /^Could not .* answered HTTP 400: Invalid token address for this chain$/);
    assert.equal(tokenRequests().length, 1, 'no new token');
    assert.equal(stopTokens().length, 2, 'the refused stop was sent once');
  });
});
