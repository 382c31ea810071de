import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';

const MINUTE = 60_000;
/** A token is asked for an hour and replaced five minutes before that hour ends. */
const RENEWAL_AT = 55 * MINUTE;

describe('auth tokens: made once, renewed before they run out (Ocean Node sandbox)', function () {
  let sandbox: Sandbox;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
  });

  after(async function () {
    await sandbox.close();
  });

  it('one token serves every signed call until five minutes before its hour ends; then one new token serves them', async function () {
    let offset = 0;
    const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: testAccount(7).privateKey, clock: () => Date.now() + offset });
    const tokensMade = (): number => sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api/services/auth/token').length;
    // A signed call: stopping a job the node does not know is refused, after the token was sent.
    const signedCall = async (): Promise<void> => {
      await client.stopJob('0xnot-a-job').catch(() => undefined);
    };
    try {
      await signedCall();
      await signedCall();
      assert.equal(tokensMade(), 1, 'the first call makes a token, the second reuses it');
      offset = RENEWAL_AT - 1_000;
      await signedCall();
      assert.equal(tokensMade(), 1, 'a second before the renewal point: still the same token');
      offset = RENEWAL_AT + 1_000;
      await signedCall();
      assert.equal(tokensMade(), 2, 'past the renewal point: a new token');
      await signedCall();
      assert.equal(tokensMade(), 2, 'the new token is kept');
      assert.equal(sandbox.requests.filter((r) => r.method === 'PUT' && r.path === '/api/services/compute').length, 5, 'every stop reached the node');
    } finally {
      client.close();
    }
  });
});
