import assert from 'node:assert/strict';
import { DdoResolver, normalizeDdo } from '../../src/ocean/ddo';
import { OceanError } from '../../src/ocean/errors';
import type { HttpClient, HttpRequest } from '../../src/ocean/http';
import { failure } from '../helpers/failure';

const AQUARIUS = 'http://127.0.0.1:5000';

/** An HTTP client that answers each DID from `answers` (an error is thrown), recording the requests. */
function fakeHttp(answers: Record<string, unknown>): { http: HttpClient; requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const http = {
    json: async (request: HttpRequest) => {
      requests.push(request);
      const did = decodeURIComponent(request.url.split('/').pop() ?? '');
      const answer = answers[did];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as HttpClient;
  return { http, requests };
}

const ddo = (id: string): Record<string, unknown> => ({ id, metadata: { name: id }, services: [{ id: 's', type: 'compute' }] });

describe('DdoResolver: DDOs from the metadata service, cached for a while', function () {
  it('asks the Aquarius route for the DID, encoded, as an idempotent GET, and normalizes the answer', async function () {
    const { http, requests } = fakeHttp({ 'did:op:1': ddo('did:op:1') });
    const resolved = await new DdoResolver(http, AQUARIUS).resolve('did:op:1');
    assert.equal(resolved.id, 'did:op:1');
    assert.equal(resolved.services[0]!.type, 'compute');
    assert.equal(requests.length, 1);
    assert.deepEqual({ ...requests[0], signal: undefined }, { operation: 'resolve did:op:1', method: 'GET', url: `${AQUARIUS}/api/aquarius/assets/ddo/did%3Aop%3A1`, signal: undefined, idempotent: true });
  });

  it('answers from the cache until the time to live has passed, exactly', async function () {
    let now = 1000;
    const { http, requests } = fakeHttp({ 'did:op:1': ddo('did:op:1') });
    const resolver = new DdoResolver(http, AQUARIUS, 500, 200, () => now);
    const first = await resolver.resolve('did:op:1');
    now = 1499;
    assert.equal(await resolver.resolve('did:op:1'), first);
    assert.equal(requests.length, 1);
    now = 1500;
    await resolver.resolve('did:op:1');
    assert.equal(requests.length, 2);
  });

  it('shares one request between callers, and keeps at most the newest entries', async function () {
    const { http, requests } = fakeHttp({ a: ddo('a'), b: ddo('b'), c: ddo('c') });
    const resolver = new DdoResolver(http, AQUARIUS, 60_000, 2, () => 0);
    await Promise.all([resolver.resolve('a'), resolver.resolve('a')]);
    assert.equal(requests.length, 1);
    await resolver.resolve('b');
    await resolver.resolve('a');
    assert.equal(requests.length, 2, 'two entries fit');
    await resolver.resolve('c');
    await resolver.resolve('b');
    await resolver.resolve('c');
    assert.equal(requests.length, 3, 'b and c are kept');
    await resolver.resolve('a');
    assert.equal(requests.length, 4, 'a, the oldest, was dropped for c');
  });

  it('does not keep a failure: the next call asks again', async function () {
    const answers: Record<string, unknown> = { x: new OceanError('SERVER_ERROR', 'boom', { httpStatus: 500 }) };
    const { http, requests } = fakeHttp(answers);
    const resolver = new DdoResolver(http, AQUARIUS, 60_000, 200, () => 0);
    assert.equal((await failure(resolver.resolve('x'))).code, 'SERVER_ERROR');
    answers.x = ddo('x');
    assert.equal((await resolver.resolve('x')).id, 'x');
    assert.equal(requests.length, 2);
  });

  it('turns 404, and Aquarius’s 400 for a malformed DID, into DDO_NOT_FOUND naming the DID and the service', async function () {
    const { http } = fakeHttp({
      missing: new OceanError('NOT_FOUND', 'nope', { httpStatus: 404 }),
      malformed: new OceanError('REQUEST_REJECTED', 'bad', { httpStatus: 400 }),
      refused: new OceanError('REQUEST_REJECTED', 'bad', { httpStatus: 422 }),
      denied: new OceanError('ACCESS_DENIED', 'no', { httpStatus: 400 }),
    });
    const resolver = new DdoResolver(http, AQUARIUS);
    const missing = await failure(resolver.resolve('missing'));
    assert.equal(missing.code, 'DDO_NOT_FOUND');
    assert.equal(missing.message, `DDO missing not found at ${AQUARIUS}: check the DID and that the metadata service indexes this chain`);
    assert.equal(missing.httpStatus, 404);
    assert.deepEqual(missing.details, { did: 'missing' });
    assert.equal((await failure(resolver.resolve('malformed'))).code, 'DDO_NOT_FOUND');
    assert.equal((await failure(resolver.resolve('refused'))).code, 'REQUEST_REJECTED');
    assert.equal((await failure(resolver.resolve('denied'))).code, 'ACCESS_DENIED');
  });

  it('passes other failures on as they are, and refuses an answer that is not an object', async function () {
    const plain = new Error('socket');
    const { http } = fakeHttp({ plain, list: [ddo('list')], text: 'hello' });
    const resolver = new DdoResolver(http, AQUARIUS);
    await assert.rejects(resolver.resolve('plain'), (error) => error === plain);
    for (const did of ['list', 'text']) {
      const error = await failure(resolver.resolve(did));
      assert.equal(error.code, 'BAD_RESPONSE');
      assert.equal(error.message, `The metadata service answered ${did} with something that is not a DDO`);
    }
  });
});

describe('normalizeDdo: services with fields missing', function () {
  it('gives a service without an id or type empty ones', function () {
    const [service] = normalizeDdo({ id: 'did:op:1', services: [{ files: '0x' }] }).services;
    assert.equal(service!.id, '');
    assert.equal(service!.type, '');
  });
});
