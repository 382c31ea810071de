import assert from 'node:assert/strict';
import type { OceanError } from '../../src/ocean/errors';
import { parseConnectionSettings } from '../../src/ocean/settings';
import { thrown } from '../helpers/failure';

const refusal = (input: Record<string, unknown>): OceanError => thrown(() => parseConnectionSettings(input));

describe('parseConnectionSettings: the config node fields', function () {
  it('cuts the provider and Aquarius URLs at /api, keeping a path before it, and drops trailing slashes', function () {
    const s = parseConnectionSettings({ providerUrl: ' http://127.0.0.1:8000/ocean/api/services/compute?x=1 ', aquariusUrl: 'https://aqua.example///', chainId: 8996 });
    assert.deepEqual(s, { providerUrl: 'http://127.0.0.1:8000/ocean', aquariusUrl: 'https://aqua.example', chainId: 8996, rpcUrl: undefined });
    assert.equal(parseConnectionSettings({ providerUrl: 'https://node.example/api/services/compute', chainId: 1 }).providerUrl, 'https://node.example');
  });

  it('keeps the RPC URL whole (path under /api and query), drops only its trailing slashes, and accepts ws(s)', function () {
    assert.equal(parseConnectionSettings({ providerUrl: 'http://p', chainId: 1, rpcUrl: 'https://rpc.example/api/v1/KEY/?net=main' }).rpcUrl, 'https://rpc.example/api/v1/KEY?net=main');
    assert.equal(parseConnectionSettings({ providerUrl: 'http://p', chainId: 1, rpcUrl: 'ws://127.0.0.1:8545' }).rpcUrl, 'ws://127.0.0.1:8545');
    assert.equal(parseConnectionSettings({ providerUrl: 'http://p', chainId: 1, rpcUrl: 'wss://rpc.example/' }).rpcUrl, 'wss://rpc.example');
  });

  it('takes an empty, blank or null Aquarius or RPC URL as none', function () {
    for (const none of [undefined, null, '', '   ']) {
      const s = parseConnectionSettings({ providerUrl: 'http://p/', aquariusUrl: none, rpcUrl: none, chainId: '1' });
      assert.deepEqual(s, { providerUrl: 'http://p', aquariusUrl: 'http://p', chainId: 1, rpcUrl: undefined });
    }
  });

  it('refuses ws for the provider and Aquarius, and anything but http(s) or ws(s) for the RPC', function () {
    assert.equal(refusal({ providerUrl: 'ws://p', chainId: 1 }).details?.field, 'providerUrl');
    assert.equal(refusal({ providerUrl: 'http://p', aquariusUrl: 'wss://a', chainId: 1 }).details?.field, 'aquariusUrl');
    const rpc = refusal({ providerUrl: 'http://p', rpcUrl: 'ftp://rpc', chainId: 1 });
    assert.equal(rpc.details?.field, 'rpcUrl');
    assert.match(rpc.message, /^rpcUrl: expected the http\(s\) or ws\(s\) URL of a JSON-RPC endpoint, or nothing, got /);
  });

  it('refuses a URL that is not text, with the field and what was expected', function () {
    const error = refusal({ providerUrl: 'http://p', aquariusUrl: 42, chainId: 1 });
    assert.equal(error.code, 'INVALID_CONFIG');
    assert.match(error.message, /^aquariusUrl: expected the http\(s\) URL of Aquarius, or nothing, got /);
  });

  it('refuses a user name alone in a URL as well, without echoing the URL', function () {
    const error = refusal({ providerUrl: 'http://p', rpcUrl: 'https://alice@rpc.example', chainId: 1 });
    assert.equal(error.message.includes('alice'), false);
    assert.match(error.message, /^rpcUrl: .*without a user name or password in it/);
  });

  it('takes a chain id as a number or as text with spaces, and refuses zero, fractions, huge numbers and other types', function () {
    assert.equal(parseConnectionSettings({ providerUrl: 'http://p', chainId: ' 137 ' }).chainId, 137);
    assert.equal(parseConnectionSettings({ providerUrl: 'http://p', chainId: 1 }).chainId, 1);
    for (const bad of [0, 1.5, 2 ** 53, '', ' ', 'abc', null, undefined, true, [1]]) {
      const error = refusal({ providerUrl: 'http://p', chainId: bad });
      assert.equal(error.details?.field, 'chainId', String(bad));
      assert.match(error.message, /^chainId: expected a positive whole number such as 8996 or 137, got /);
    }
  });

  it('refuses a missing provider URL by its field', function () {
    for (const missing of [undefined, null, '  ']) {
      const error = refusal({ providerUrl: missing, chainId: 1 });
      assert.equal(error.details?.field, 'providerUrl');
      assert.match(error.message, /^providerUrl: expected the http\(s\) URL of an Ocean Node or Provider, got /);
    }
  });
});
