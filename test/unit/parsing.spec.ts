import assert from 'node:assert/strict';
import { parseRootInfo, fillPath, providerAddressFor } from '../../src/ocean/backend';
import { OceanError } from '../../src/ocean/errors';
import { parseErrorBody } from '../../src/ocean/server-message';
import { parseConnectionSettings } from '../../src/ocean/settings';
import { walletFromPrivateKey } from '../../src/ocean/wallet';
import { exchange } from '../helpers/recordings';

describe('backend detection', function () {
  it('reads the recorded Ocean Node root', function () {
    const info = parseRootInfo(exchange('a-discovery', /^root/).response.body, 'http://node');
    assert.equal(info.kind, 'ocean-node');
    assert.deepEqual(info.chainIds, [8996]);
    assert.equal(providerAddressFor(info, 8996), '0x90F79bf6EB2c4f870365E785982E1f101E93b906');
    assert.deepEqual(info.endpoints.get('FILEINFO'), { method: 'POST', path: '/api/services/fileInfo' }, 'names match in any case');
  });

  it('reads a Provider v2 root', function () {
    const info = parseRootInfo(
      { chainIds: [5, 80001], providerAddresses: { '5': '0xA', '80001': '0xB' }, serviceEndpoints: { computeStart: ['POST', '/api/services/compute'] }, software: 'Provider', version: '2.0.2' },
      'http://p',
    );
    assert.equal(info.kind, 'provider-v2');
    assert.equal(providerAddressFor(info, 80001), '0xB');
    assert.equal(info.endpoints.get('computestart')?.method, 'POST');
  });

  it('refuses a server that is neither', function () {
    assert.throws(() => parseRootInfo({ hello: 'world' }, 'http://x'), /does not look like an Ocean Node or Ocean Provider/);
    assert.throws(() => parseRootInfo({ software: 'Aquarius', serviceEndpoints: {} }, 'http://x'), /answered as "Aquarius"/);
  });

  it('fills path templates', function () {
    assert.equal(fillPath('/api/aquarius/assets/ddo/:did/:force?', { did: 'did:op:1' }), '/api/aquarius/assets/ddo/did%3Aop%3A1');
    assert.throws(() => fillPath('/log/:id'), /path parameter "id" is missing/);
  });
});

describe('error bodies', function () {
  it('reads every shape the two backends answer', function () {
    assert.equal(parseErrorBody('"Invalid C2D Environment"').message, 'Invalid C2D Environment');
    assert.equal(parseErrorBody('{"error": "Compute environment does not exist"}').message, 'Compute environment does not exist');
    assert.deepEqual(parseErrorBody('{"error": {"dataset.serviceId": "order_invalid"}}'), {
      message: 'dataset.serviceId: order_invalid',
      fields: ['dataset.serviceId'],
      json: { error: { 'dataset.serviceId': 'order_invalid' } },
    });
    const sieve = parseErrorBody('{"message": "Validation error", "errors": {"signature": ["Invalid signature provided."]}, "success": false}');
    assert.equal(sieve.message, 'signature: Invalid signature provided.');
    assert.deepEqual(sieve.fields, ['signature']);
    const html = exchange('f-errors', /truncated JSON body with content-type/).response.body as string;
    assert.equal(parseErrorBody(html).message, 'SyntaxError: Unexpected end of JSON input');
    assert.equal(parseErrorBody('Rate limit exceeded. Try again in 60 seconds.').message, 'Rate limit exceeded. Try again in 60 seconds.');
    assert.equal(parseErrorBody('').message, '');
  });
});

describe('connection settings', function () {
  it('cuts service URLs to their root and defaults Aquarius to the provider', function () {
    const s = parseConnectionSettings({ providerUrl: 'https://node.example/api/services/compute', chainId: ' 8996 ' });
    assert.deepEqual(s, { providerUrl: 'https://node.example', aquariusUrl: 'https://node.example', chainId: 8996, rpcUrl: undefined });
  });

  it('names the field that is wrong', function () {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ providerUrl: '', chainId: 1 }, /^providerUrl: expected the http\(s\) URL of an Ocean Node or Provider, got an empty string$/],
      [{ providerUrl: 'ftp://x', chainId: 1 }, /^providerUrl: /],
      [{ providerUrl: 'http://x', aquariusUrl: 'nope', chainId: 1 }, /^aquariusUrl: /],
      [{ providerUrl: 'http://x', rpcUrl: 'localhost:8545', chainId: 1 }, /^rpcUrl: /],
      [{ providerUrl: 'http://x', chainId: 'mainnet' }, /^chainId: expected a positive whole number/],
      [{ providerUrl: 'http://x', chainId: -1 }, /^chainId: /],
      [{ providerUrl: 'http://user:secret@x', chainId: 1 }, /^providerUrl: .*without a user name or password in it$/],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => parseConnectionSettings(input), (e: unknown) => e instanceof OceanError && e.code === 'INVALID_CONFIG' && message.test(e.message));
    }
  });

  it('never repeats a secret found in a URL', function () {
    assert.throws(() => parseConnectionSettings({ providerUrl: 'http://user:secret@x', chainId: 1 }), (e: unknown) => !String((e as Error).message).includes('secret'));
  });
});

describe('private key', function () {
  it('accepts 64 hex digits with or without 0x', function () {
    const key = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
    assert.equal(walletFromPrivateKey(key).address, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    assert.equal(walletFromPrivateKey(key.slice(2)).address, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
  });

  it('describes a bad key without showing it', function () {
    for (const bad of ['', 'hello', `0x${'ab'.repeat(31)}`, `0x${'0'.repeat(64)}`]) {
      assert.throws(
        () => walletFromPrivateKey(bad),
        (e: unknown) => e instanceof OceanError && e.code === 'INVALID_CONFIG' && /^privateKey: /.test(e.message) && (bad.length < 6 || !e.message.includes(bad.slice(2, 12))),
      );
    }
  });
});
