import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const NODE_FILES = ['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map((name) => join(ROOT, 'dist', 'nodes', `${name}.js`));

/** Runs `script` in a fresh Node.js (the built package) and answers which libraries it loaded. */
function librariesLoadedBy(script: string): string[] {
  const probe = `
    ${script}
    const names = new Set(Object.keys(require.cache).filter((k) => k.includes('node_modules')).map((k) => k.split('node_modules/').pop().split('/')[0]));
    process.stdout.write(JSON.stringify(['ethers', 'axios', 'axios-retry', 'tar-stream', 'redis'].filter((n) => names.has(n))));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8' })) as string[];
}

describe('what the package loads, and when', function () {
  this.timeout(30_000);

  it('requiring the six nodes loads none of the libraries', function () {
    assert.deepEqual(librariesLoadedBy(`for (const file of ${JSON.stringify(NODE_FILES)}) require(file);`), []);
  });

  it('a connection loads the HTTP client; ethers waits for the wallet to be used', function () {
    const client = `const { OceanClient } = require('./dist/ocean'); const c = new OceanClient({ providerUrl: 'http://127.0.0.1:9', chainId: 8996, privateKey: '0x' + '11'.repeat(32) });`;
    assert.deepEqual(librariesLoadedBy(client), ['axios', 'axios-retry']);
    assert.deepEqual(librariesLoadedBy(`${client} c.address;`), ['ethers', 'axios', 'axios-retry']);
  });

  it('redis, an optional dependency, is loaded by the Redis job store\'s first command only', function () {
    const store = `const { RedisConnection } = require('./dist/store/redis/connection'); const r = new RedisConnection({ url: 'redis://127.0.0.1:9', connectWaitMs: 100 });`;
    assert.deepEqual(librariesLoadedBy(store), []);
    assert.deepEqual(librariesLoadedBy(`${store} r.command(['PING']).catch(() => undefined); r.close();`), ['redis']);
  });

  it('without redis installed, choosing the Redis job store is a clear error naming the setting', function () {
    const hide = `const Module = require('module'); const resolve = Module._resolveFilename; Module._resolveFilename = function (request, ...rest) { if (request === 'redis') { const e = new Error("Cannot find module 'redis'"); e.code = 'MODULE_NOT_FOUND'; throw e; } return resolve.call(this, request, ...rest); };`;
    const out = execFileSync(
      process.execPath,
      ['-e', `${hide} const { RedisConnection } = require('./dist/store/redis/connection'); new RedisConnection({ url: 'redis://:pw@127.0.0.1:9' }).command(['PING']).catch((e) => process.stdout.write(e.code + ' ' + JSON.stringify(e.details) + ': ' + e.message));`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.match(out, /^INVALID_CONFIG {"field":"jobStore"}: jobStore: the Redis job store needs the npm package "redis", which is not installed; run "npm install redis" in the Node-RED user directory/);
  });

  it('a key of the wrong shape is still refused at once, without ethers', function () {
    const out = execFileSync(
      process.execPath,
      ['-e', `const { OceanClient } = require('./dist/ocean'); try { new OceanClient({ providerUrl: 'http://127.0.0.1:9', chainId: 8996, privateKey: 'nope' }); } catch (e) { process.stdout.write(e.code + ' ' + Object.keys(require.cache).some((k) => k.includes('node_modules/ethers'))); }`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(out, 'INVALID_CONFIG false');
  });

  it('a key outside the curve is refused when the wallet is first used, naming the field', function () {
    const out = execFileSync(
      process.execPath,
      ['-e', `const { OceanClient } = require('./dist/ocean'); const c = new OceanClient({ providerUrl: 'http://127.0.0.1:9', chainId: 8996, privateKey: '0x' + 'f'.repeat(64) }); try { c.address; } catch (e) { process.stdout.write(e.code + ': ' + e.message); }`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.match(out, /^INVALID_CONFIG: privateKey: expected a 32-byte hex private key .*outside the valid key range$/);
  });
});
