import assert from 'node:assert/strict';
import { EndpointMap, fillPath, parseRootInfo, providerAddressFor } from '../../src/ocean/backend';
import { OceanError } from '../../src/ocean/errors';

describe('EndpointMap: the serviceEndpoints a root lists', function () {
  it('keeps [method, path] pairs under any case, the method upper-cased, and skips other shapes', function () {
    const map = new EndpointMap({
      computeStart: ['post', '/api/services/compute'],
      Nonce: ['GET', '/api/services/nonce', 'extra is ignored'],
      methodMissing: [undefined, '/x'],
      pathMissing: ['GET'],
      pathNotText: ['GET', 5],
      notAList: 'GET /y',
    });
    assert.equal(map.size, 2);
    assert.deepEqual(map.get('COMPUTESTART'), { method: 'POST', path: '/api/services/compute' });
    assert.deepEqual(map.get('nonce'), { method: 'GET', path: '/api/services/nonce' });
    assert.equal(map.has('NoNcE'), true);
    for (const skipped of ['methodMissing', 'pathMissing', 'pathNotText', 'notAList']) {
      assert.equal(map.has(skipped), false, skipped);
      assert.equal(map.get(skipped), undefined, skipped);
    }
  });
});

describe('fillPath: path templates filled with their parameters', function () {
  it('encodes each value, keeps fixed segments, drops unknown optional ones, and keeps known ones', function () {
    assert.equal(fillPath('/api/aquarius/assets/ddo/:did/:force?', { did: 'did:op:1', force: 'true' }), '/api/aquarius/assets/ddo/did%3Aop%3A1/true');
    assert.equal(fillPath('/a/:x?/b/:y', { y: 'a b/c' }), '/a/b/a%20b%2Fc');
    assert.equal(fillPath('/plain/path'), '/plain/path');
  });

  it('names the missing parameter and the template', function () {
    assert.throws(
      () => fillPath('/api/services/:jobId/log', { other: '1' }),
      (error: unknown) => error instanceof OceanError && error.code === 'INVALID_INPUT' && error.message === 'path parameter "jobId" is missing for /api/services/:jobId/log',
    );
  });
});

describe('parseRootInfo: telling the backends apart by their root answer', function () {
  const endpoints = { computeStart: ['POST', '/api/services/compute'] };

  it('takes Ocean Node by its software name, with one provider address for every chain', function () {
    const info = parseRootInfo({ software: 'Ocean-Node', version: '3.1.0', chainIds: [8996, '137', 0, -1, 1.5, 'x'], providerAddress: '0xN', serviceEndpoints: endpoints }, 'http://node');
    assert.equal(info.kind, 'ocean-node');
    assert.equal(info.software, 'Ocean-Node');
    assert.equal(info.version, '3.1.0');
    assert.deepEqual(info.chainIds, [8996, 137]);
    assert.deepEqual(info.providerAddresses, { '*': '0xN' });
    assert.equal(providerAddressFor(info, 1), '0xN');
  });

  it('takes Ocean Node by a freeCompute endpoint whatever the software says, and without an address lists none', function () {
    const info = parseRootInfo({ software: 'something', serviceEndpoints: { FreeCompute: ['POST', '/api/services/freeCompute'] } }, 'http://node');
    assert.equal(info.kind, 'ocean-node');
    assert.deepEqual(info.providerAddresses, {});
    assert.deepEqual(info.chainIds, []);
    assert.equal(info.version, '');
    assert.equal(providerAddressFor(info, 8996), undefined);
  });

  it('takes Provider v2 by its address map (text entries only), or by its name with one address', function () {
    const byMap = parseRootInfo({ providerAddresses: { '5': '0xA', '80001': 7 }, serviceEndpoints: endpoints, chainIds: 'not a list' }, 'http://p');
    assert.equal(byMap.kind, 'provider-v2');
    assert.equal(byMap.software, '');
    assert.deepEqual(byMap.providerAddresses, { '5': '0xA' });
    assert.deepEqual(byMap.chainIds, []);
    assert.equal(providerAddressFor(byMap, 5), '0xA');
    assert.equal(providerAddressFor(byMap, 80001), undefined);
    const byName = parseRootInfo({ software: 'Provider', providerAddress: '0xB', serviceEndpoints: endpoints }, 'http://p');
    assert.equal(byName.kind, 'provider-v2');
    assert.deepEqual(byName.providerAddresses, { '*': '0xB' });
    const bare = parseRootInfo({ software: 'Provider', providerAddress: 9, serviceEndpoints: endpoints }, 'http://p');
    assert.deepEqual(bare.providerAddresses, {});
  });

  it('prefers a chain’s own address to the shared one', function () {
    const info = parseRootInfo({ software: 'Provider', providerAddresses: { '5': '0xA', '*': '0xS' }, serviceEndpoints: endpoints }, 'http://p');
    assert.equal(providerAddressFor(info, 5), '0xA');
    assert.equal(providerAddressFor(info, 6), '0xS');
  });

  it('refuses, with the exact message, a root without serviceEndpoints and software that is neither', function () {
    const refused = (body: unknown, message: string): void => {
      assert.throws(() => parseRootInfo(body, 'http://x'), (error: unknown) => error instanceof OceanError && error.code === 'UNSUPPORTED_BACKEND' && error.message === message);
    };
    const noEndpoints = 'http://x does not look like an Ocean Node or Ocean Provider: its root answer has no "serviceEndpoints"';
    refused(null, noEndpoints);
    refused(['serviceEndpoints'], noEndpoints);
    refused({ serviceEndpoints: [] }, noEndpoints);
    refused({ software: 'Aquarius', serviceEndpoints: endpoints }, 'http://x answered as "Aquarius", which is neither an Ocean Node nor an Ocean Provider');
    refused({ software: 7, serviceEndpoints: endpoints }, 'http://x answered as "unknown software", which is neither an Ocean Node nor an Ocean Provider');
  });
});
