import assert from 'node:assert/strict';
import { OceanError } from '../../src/ocean/errors';
import { isAssetInput, isRawAlgorithm, isUrlDataset, validateStartRequest, type StartJobRequest } from '../../src/ocean/job-request';

const DID = 'did:op:0f1d3e7b5c0e2a1a6f45b5d2c3a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1';
const DID_V5 = 'did:ope:7e2f0c1a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e';
const TX = `0x${'a1'.repeat(32)}`;

const valid = (): StartJobRequest => ({
  environment: 'env-1',
  datasets: [
    { did: DID, serviceId: 'compute-1', transferTxId: TX, userdata: { rows: 10 } },
    { fileObject: { type: 'url', url: 'https://example.com/data.csv', method: 'get' } },
  ],
  algorithm: { meta: { rawcode: 'echo 42', container: { entrypoint: 'sh $ALGO', image: 'busybox', tag: '1' } } },
  algocustomdata: { threshold: 3 },
  resources: [
    { id: 'cpu', amount: 1 },
    { id: 'disk', amount: 0 },
  ],
  maxJobDuration: 60,
});

/** Flow input is untyped: a request with any field replaced, as a flow could send it. */
function withField(path: string, value: unknown): StartJobRequest {
  const request = valid() as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let target: Record<string, unknown> | unknown[] = request;
  for (const key of keys.slice(0, -1)) {
    target = (target as Record<string, unknown>)[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) Reflect.deleteProperty(target, last);
  else (target as Record<string, unknown>)[last] = value;
  return request as unknown as StartJobRequest;
}

function fieldOf(request: StartJobRequest): { field: unknown; message: string } {
  try {
    validateStartRequest(request);
  } catch (error) {
    assert.ok(error instanceof OceanError, `expected an OceanError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_INPUT');
    return { field: error.details?.field, message: error.message };
  }
  throw new Error('expected a throw');
}

describe('validateStartRequest', function () {
  it('returns a valid request as it is', function () {
    const request = valid();
    assert.equal(validateStartRequest(request), request);
  });

  it('takes DID assets for datasets and algorithm, did:ope too, and an empty dataset list', function () {
    const request: StartJobRequest = {
      environment: 'env-1',
      datasets: [{ did: DID_V5, serviceId: 's' }],
      algorithm: { did: DID, serviceId: 'a', transferTxId: TX.toUpperCase().replace('0X', '0x') },
    };
    assert.equal(validateStartRequest(request), request);
    assert.doesNotThrow(() => validateStartRequest({ ...request, datasets: [] }));
    assert.doesNotThrow(() => validateStartRequest(withField('algorithm.meta', { url: 'https://example.com/a.py', container: { entrypoint: 'python $ALGO', image: 'python', tag: '3' } })));
  });

  const cases: Array<[string, string, unknown, string, RegExp?]> = [
    ['a missing environment', 'environment', undefined, 'environment', /, got nothing$/],
    ['a blank environment', 'environment', '   ', 'environment', /the id of a compute environment/],
    ['datasets that are not an array', 'datasets', { did: DID }, 'datasets', /an array of datasets, got a object$/],
    ['a dataset that is not an object', 'datasets', ['did:op:1'], 'datasets[0]', /^datasets\[0\]: expected a \{did, serviceId\} object or a \{fileObject\} URL file, got "did:op:1"$/],
    ['a bad DID in the second dataset', 'datasets', [{ fileObject: { type: 'url', url: 'http://a', method: 'get' } }, { did: 'did:web:x', serviceId: 's' }], 'datasets[1].did', /a DID such as "did:op:0123…", got "did:web:x"$/],
    ['an empty serviceId', 'datasets', [{ did: DID, serviceId: '' }], 'datasets[0].serviceId', /got an empty string$/],
    ['a transferTxId that is not a hash', 'datasets', [{ did: DID, serviceId: 's', transferTxId: '0x1234' }], 'datasets[0].transferTxId', /0x-prefixed transaction hash/],
    ['userdata that is not an object', 'datasets', [{ did: DID, serviceId: 's', userdata: '{"a":1}' }], 'datasets[0].userdata', /^datasets\[0\]\.userdata: expected an object, got /],
    ['a URL file that is not http(s)', 'datasets', [{ fileObject: { type: 'url', url: 'ftp://example.com/x', method: 'get' } }], 'datasets[0].fileObject', /a URL file like/],
    ['a file of another type', 'datasets', [{ fileObject: { type: 'ipfs', hash: 'Qm' } }], 'datasets[0].fileObject'],
    ['a missing algorithm', 'algorithm', undefined, 'algorithm', /^algorithm: expected a \{did, serviceId\} object or \{meta: \{container, rawcode\}\}, got nothing$/],
    ['an algorithm asset with a bad DID', 'algorithm', { did: 'x', serviceId: 'a' }, 'algorithm.did'],
    ['an algorithm asset with an empty serviceId', 'algorithm', { did: DID, serviceId: '' }, 'algorithm.serviceId'],
    ['an algorithm with a bad order', 'algorithm', { did: DID, serviceId: 'a', transferTxId: 42 }, 'algorithm.transferTxId', /, got 42$/],
    ['algorithm.meta that is not an object', 'algorithm.meta', 'echo', 'algorithm.meta', /an object with container and rawcode/],
    ['a meta without container', 'algorithm.meta.container', undefined, 'algorithm.meta.container', /^algorithm\.meta\.container: expected an object with entrypoint, image and tag, got nothing$/],
    ['an empty entrypoint', 'algorithm.meta.container.entrypoint', '', 'algorithm.meta.container.entrypoint', /a non-empty string, got an empty string$/],
    ['a missing image', 'algorithm.meta.container.image', undefined, 'algorithm.meta.container.image'],
    ['a numeric tag', 'algorithm.meta.container.tag', 1, 'algorithm.meta.container.tag', /, got 1$/],
    ['a meta without rawcode or url', 'algorithm.meta.rawcode', undefined, 'algorithm.meta', /rawcode \(or a url to it\)$/],
    ['algocustomdata that is an array', 'algocustomdata', [1, 2], 'algocustomdata', /, got an array of 2$/],
    ['algocustomdata that is a string', 'algocustomdata', '{"a":1}', 'algocustomdata', /^algocustomdata: expected an object of parameters for the algorithm, got /],
    ['a zero maxJobDuration', 'maxJobDuration', 0, 'maxJobDuration', /a number of seconds above 0, got 0$/],
    ['a negative maxJobDuration', 'maxJobDuration', -5, 'maxJobDuration'],
    ['an infinite maxJobDuration', 'maxJobDuration', Infinity, 'maxJobDuration'],
    ['a NaN maxJobDuration', 'maxJobDuration', Number.NaN, 'maxJobDuration'],
    ['a maxJobDuration given as text', 'maxJobDuration', '60', 'maxJobDuration', /, got "60"$/],
    ['a negative resource amount', 'resources', [{ id: 'cpu', amount: -1 }], 'resources[0]', /an object like \{"id": "cpu", "amount": 1\}/],
    ['a resource without id, second', 'resources', [{ id: 'cpu', amount: 1 }, { amount: 1 }], 'resources[1]'],
    ['a resource amount given as text', 'resources', [{ id: 'cpu', amount: '1' }], 'resources[0]'],
    ['a resource that is not an object', 'resources', ['cpu'], 'resources[0]', /, got "cpu"$/],
    ['resources that are an object', 'resources', { cpu: 1 }, 'resources', /an array/],
    ['resources that are a string', 'resources', 'cpu', 'resources'],
    ['a DID with text before it', 'datasets', [{ did: `x${DID}` }], 'datasets[0].did'],
    ['a DID with a path after it', 'datasets', [{ did: `${DID}/extra` }], 'datasets[0].did'],
    ['a transferTxId with text before it', 'datasets', [{ did: DID, transferTxId: `x${TX}` }], 'datasets[0].transferTxId'],
    ['a serviceId that is a number', 'datasets', [{ did: DID, serviceId: 5 }], 'datasets[0].serviceId', /^datasets\[0\]\.serviceId: expected the id of one of the asset's services, or nothing for its first compute service, got 5$/],
    ['a URL file whose address only contains http://', 'datasets', [{ fileObject: { type: 'url', url: 'file:///x?http://a', method: 'get' } }], 'datasets[0].fileObject'],
    ['an http(s) file that is not of type url', 'datasets', [{ fileObject: { type: 'arweave', url: 'https://x.example/a', method: 'get' } }], 'datasets[0].fileObject'],
  ];

  for (const [label, path, value, field, message] of cases) {
    it(`names ${field} for ${label}`, function () {
      const error = fieldOf(withField(path, value));
      assert.equal(error.field, field);
      assert.ok(error.message.startsWith(`${field}: expected `), error.message);
      if (message) assert.match(error.message, message);
    });
  }

  it('reports the first problem in field order', function () {
    const request = withField('environment', '');
    (request as unknown as Record<string, unknown>).maxJobDuration = -1;
    assert.equal(fieldOf(request).field, 'environment');
    assert.equal(fieldOf(withField('datasets', [{ did: DID, serviceId: 's' }, { did: 'bad' }, { did: 'worse' }])).field, 'datasets[1].did');
  });

  it('never echoes a long value', function () {
    const error = fieldOf(withField('environment', 42));
    assert.equal(error.message, 'environment: expected the id of a compute environment (see the c2d-envs node), got 42');
    const secretish = fieldOf(withField('datasets', [{ did: DID, serviceId: 's', transferTxId: `0x${'f'.repeat(70)}` }]));
    assert.equal(secretish.message, 'datasets[0].transferTxId: expected a 0x-prefixed transaction hash, got a 72-character string');
  });

  it('type guards tell the input shapes apart', function () {
    const request = valid();
    const [asset, url] = request.datasets as [StartJobRequest['datasets'][number], StartJobRequest['datasets'][number]];
    assert.equal(isAssetInput(asset), true);
    assert.equal(isUrlDataset(asset), false);
    assert.equal(isAssetInput(url), false);
    assert.equal(isUrlDataset(url), true);
    assert.equal(isRawAlgorithm(request.algorithm), true);
    assert.equal(isAssetInput(request.algorithm), false);
    assert.equal(isRawAlgorithm({ did: DID, serviceId: 'a' }), false);
  });
});
