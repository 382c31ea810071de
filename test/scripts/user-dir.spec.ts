import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSync } from 'bcryptjs';
import { editorLogin, prepareUserDir, type Login } from '../../scripts/user-dir';
import { startNodeRedProcess } from '../helpers/node-red-process';

describe('npm start: the editor\'s login and the credential secret', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), 'ocean-c2d-userdir-'));
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a password once, keeps only its hash (mode 0600), and takes NODE_RED_PASSWORD instead', function () {
    const first = editorLogin(dir, {});
    assert.match(String(first.newPassword), /^[\w-]{16}$/);
    assert.ok(compareSync(first.newPassword!, first.hash));
    const file = join(dir, '.ocean-c2d-login.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(!readFileSync(file, 'utf8').includes(first.newPassword!), 'the password itself is not stored');
    const again = editorLogin(dir, {});
    assert.equal(again.newPassword, undefined, 'shown only the time it was made');
    assert.equal(again.hash, first.hash);
    const chosen = editorLogin(dir, { NODE_RED_PASSWORD: 'correct horse battery staple' });
    assert.ok(compareSync('correct horse battery staple', chosen.hash));
  });

  it('a real Node-RED behind it asks for the login, and its credentials get a random secret', async function () {
    const login: Login = editorLogin(dir, {});
    prepareUserDir(dir, { uiPort: 0, replaceFlows: true, forgetJobs: true, pollInterval: '5', login });
    assert.doesNotMatch(readFileSync(join(dir, 'settings.js'), 'utf8'), /credentialSecret/, 'no fixed secret in the settings');
    const nodeRed = await startNodeRedProcess({ userDir: dir });
    const url = nodeRed.url;
    try {
      const anonymous = await fetch(`${url}/flows`);
      assert.equal(anonymous.status, 401, 'no flows, so no key, without a login');
      const token = await fetch(`${url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: login.username, password: login.newPassword }),
      });
      assert.equal(token.status, 200);
      const { access_token: accessToken } = (await token.json()) as { access_token: string };
      const flows = await fetch(`${url}/flows`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal(flows.status, 200);
      const wrong = await fetch(`${url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: login.username, password: 'guess' }),
      });
      assert.equal(wrong.status, 403, 'a wrong password is refused');
    } finally {
      await nodeRed.stop();
    }
    const runtime = JSON.parse(readFileSync(join(dir, '.config.runtime.json'), 'utf8')) as { _credentialSecret?: string };
    assert.match(String(runtime._credentialSecret), /^[0-9a-f]{64}$/, 'Node-RED made its own random secret, kept in the user directory');
  });

  it('a user directory from before 0.2, encrypted with the old public secret, is moved to a random one', async function () {
    prepareUserDir(dir, { uiPort: 0, replaceFlows: true, forgetJobs: true, pollInterval: '5' });
    // As the old npm start left it: the credentials encrypted with the fixed secret.
    const credentials = { 'ocean-c2d-example-connection': { privateKey: '${OCEAN_PRIVATE_KEY}', rpcEndpoint: '${OCEAN_RPC_URL}' } };
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update('ocean-c2d-local-demo').digest(), iv);
    const sealed = iv.toString('hex') + cipher.update(JSON.stringify(credentials), 'utf8', 'base64') + cipher.final('base64');
    writeFileSync(join(dir, 'flows_cred.json'), JSON.stringify({ $: sealed }));
    prepareUserDir(dir, { uiPort: 0, replaceFlows: false, forgetJobs: true, pollInterval: '5' });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'flows_cred.json'), 'utf8')), credentials, 'read with the old secret, left for Node-RED to seal');
    const nodeRed = await startNodeRedProcess({ userDir: dir });
    try {
      // Node-RED makes and saves its secret as it loads the flows; its "started" comes first.
      await waitFor(() => credentialSecret(dir) !== undefined, 'Node-RED saving its credential secret', 15_000);
    } finally {
      await nodeRed.stop();
    }
    assert.match(String(credentialSecret(dir)), /^[0-9a-f]{64}$/);
  });
});

function credentialSecret(dir: string): string | undefined {
  try {
    const runtime = JSON.parse(readFileSync(join(dir, '.config.runtime.json'), 'utf8')) as { _credentialSecret?: unknown };
    return typeof runtime._credentialSecret === 'string' ? runtime._credentialSecret : undefined;
  } catch {
    return undefined;
  }
}

async function waitFor(check: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
