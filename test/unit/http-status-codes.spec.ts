import assert from 'node:assert/strict';
import { OceanError, type OceanErrorCode } from '../../src/ocean/errors';
import { HttpClient } from '../../src/ocean/http';
import { startCannedServer, type CannedAnswer, type CannedServer } from '../helpers/canned-server';
import { failure } from '../helpers/failure';

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };
const JSON_TYPE = { 'content-type': 'application/json' };

interface Expected {
  code: OceanErrorCode;
  retryable: boolean;
  retryAfterMs?: number;
  fields?: string[];
  serverMessage: string;
}

/**
 * HTTP answers → the error the client reports, through the real HTTP client and a real server
 * on 127.0.0.1: the code a flow branches on, whether it may be retried, the wait a rate limit
 * names, and the message a person reads.
 */
describe('HTTP status → error code, through the HTTP client', function () {
  let server: CannedServer;
  let http: HttpClient;

  before(async function () {
    server = await startCannedServer();
  });

  after(async function () {
    await server.close();
  });

  beforeEach(function () {
    http = new HttpClient({ retries: 2, maxRetryDelayMs: 50 });
  });

  afterEach(function () {
    http.close();
    server.requests.length = 0;
  });

  const call = (answer: CannedAnswer, idempotent = false): Promise<OceanError> => {
    server.answer(answer);
    return failure(http.json({ operation: 'start a compute job', method: 'POST', url: `${server.url}/api/services/compute?nonce=1&signature=0xsecret`, body: { a: 1 }, idempotent }));
  };

  const table: Array<[string, CannedAnswer, Expected]> = [
    ['400 text', { status: 400, body: 'Invalid maxJobDuration', headers: TEXT }, { code: 'REQUEST_REJECTED', retryable: false, serverMessage: 'Invalid maxJobDuration' }],
    [
      '400 flask-sieve, signature',
      { status: 400, body: JSON.stringify({ message: 'Validation error', errors: { signature: ['Invalid signature provided.'] }, success: false }), headers: JSON_TYPE },
      { code: 'AUTH_REJECTED', retryable: false, fields: ['signature'], serverMessage: 'signature: Invalid signature provided.' },
    ],
    [
      '400 flask-sieve, nonce',
      { status: 400, body: JSON.stringify({ message: 'Validation error', errors: { nonce: ['The nonce must be numeric.'] }, success: false }), headers: JSON_TYPE },
      { code: 'AUTH_REJECTED', retryable: false, fields: ['nonce'], serverMessage: 'nonce: The nonce must be numeric.' },
    ],
    [
      '400 flask-sieve, another field',
      { status: 400, body: JSON.stringify({ message: 'Validation error', errors: { consumerAddress: ['The consumerAddress is required.'] }, success: false }), headers: JSON_TYPE },
      { code: 'REQUEST_REJECTED', retryable: false, fields: ['consumerAddress'], serverMessage: 'consumerAddress: The consumerAddress is required.' },
    ],
    [
      '400 {resource: code}',
      { status: 400, body: JSON.stringify({ error: { dataset: 'order_invalid' } }), headers: JSON_TYPE },
      { code: 'REQUEST_REJECTED', retryable: false, fields: ['dataset'], serverMessage: 'dataset: order_invalid' },
    ],
    ['401', { status: 401, body: JSON.stringify('nonce: 5 is not a valid nonce'), headers: JSON_TYPE }, { code: 'AUTH_REJECTED', retryable: false, serverMessage: 'nonce: 5 is not a valid nonce' }],
    ['403', { status: 403, body: 'Access denied', headers: TEXT }, { code: 'ACCESS_DENIED', retryable: false, serverMessage: 'Access denied' }],
    ['404', { status: 404, body: 'Job not found or not running', headers: TEXT }, { code: 'NOT_FOUND', retryable: false, serverMessage: 'Job not found or not running' }],
    ['405', { status: 405, body: JSON.stringify({ error: 'Method Not Allowed' }), headers: JSON_TYPE }, { code: 'REQUEST_REJECTED', retryable: false, serverMessage: 'Method Not Allowed' }],
    ['409', { status: 409, body: 'conflict', headers: TEXT }, { code: 'REQUEST_REJECTED', retryable: false, serverMessage: 'conflict' }],
    ['422', { status: 422, body: 'unprocessable', headers: TEXT }, { code: 'REQUEST_REJECTED', retryable: false, serverMessage: 'unprocessable' }],
    [
      '429, wait in the body',
      { status: 429, body: 'Rate limit exceeded. Try again in 42 seconds.', headers: TEXT },
      { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 42_000, serverMessage: 'Rate limit exceeded. Try again in 42 seconds.' },
    ],
    ['429, one second', { status: 429, body: 'Rate limit exceeded. Try again in 1 second.', headers: TEXT }, { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 1000, serverMessage: 'Rate limit exceeded. Try again in 1 second.' }],
    [
      '429, Retry-After wins over the body',
      { status: 429, body: 'Rate limit exceeded. Try again in 42 seconds.', headers: { ...TEXT, 'retry-after': '7' } },
      { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 7000, serverMessage: 'Rate limit exceeded. Try again in 42 seconds.' },
    ],
    ['429, no wait named: a minute', { status: 429, body: 'Too Many Requests', headers: TEXT }, { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 60_000, serverMessage: 'Too Many Requests' }],
    [
      '403 rate limit (Ocean Node\'s global cap)',
      { status: 403, body: 'Rate limit exceeded. Try again in 30 seconds.', headers: TEXT },
      { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 30_000, serverMessage: 'Rate limit exceeded. Try again in 30 seconds.' },
    ],
    ['500', { status: 500, body: 'Internal Server Error', headers: TEXT }, { code: 'SERVER_ERROR', retryable: false, serverMessage: 'Internal Server Error' }],
    ['501', { status: 501, body: 'Not Implemented', headers: TEXT }, { code: 'SERVER_ERROR', retryable: false, serverMessage: 'Not Implemented' }],
    ['502', { status: 502, body: 'Bad Gateway', headers: TEXT }, { code: 'SERVER_ERROR', retryable: true, serverMessage: 'Bad Gateway' }],
    ['503', { status: 503, body: JSON.stringify({ error: 'busy', context: {} }), headers: JSON_TYPE }, { code: 'SERVER_ERROR', retryable: true, serverMessage: 'busy' }],
    ['504', { status: 504, body: 'Gateway Timeout', headers: TEXT }, { code: 'SERVER_ERROR', retryable: true, serverMessage: 'Gateway Timeout' }],
  ];

  for (const [name, answer, expected] of table) {
    it(`${name} → ${expected.code}`, async function () {
      const error = await call(answer);
      assert.equal(error.code, expected.code);
      assert.equal(error.httpStatus, answer.status);
      assert.equal(error.retryable, expected.retryable);
      assert.equal(error.retryAfterMs, expected.retryAfterMs);
      assert.deepEqual(error.details, expected.fields ? { fields: expected.fields, serverMessage: expected.serverMessage } : { serverMessage: expected.serverMessage });
      assert.equal(error.message, `Could not start a compute job: ${server.url}/api/services/compute answered HTTP ${answer.status}: ${expected.serverMessage}`);
      assert.equal(server.requests.length, 1, 'a request that is not idempotent is sent once');
    });
  }

  it('an error without a body: the status alone', async function () {
    const error = await call({ status: 500 });
    assert.equal(error.message, `Could not start a compute job: ${server.url}/api/services/compute answered HTTP 500`);
    assert.deepEqual(error.details, { serverMessage: '' });
  });

  it('an Express error page: its first line', async function () {
    const page = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Unexpected token } in JSON at position 1<br> &nbsp; &nbsp;at JSON.parse</pre>\n</body>\n</html>\n';
    const error = await call({ status: 400, body: page, headers: { 'content-type': 'text/html; charset=utf-8' } });
    assert.equal(error.code, 'REQUEST_REJECTED');
    assert.equal(error.details?.serverMessage, 'SyntaxError: Unexpected token } in JSON at position 1');
  });

  it('idempotent requests: 502, 503 and 504 are sent again (bounded), others are not', async function () {
    const listJobs = (): Promise<OceanError> => failure(http.json({ operation: 'list jobs', method: 'GET', url: `${server.url}/api/services/compute`, idempotent: true }));
    for (const status of [502, 503, 504]) {
      server.requests.length = 0;
      for (let i = 0; i < 3; i++) server.answer({ status, body: 'busy', headers: TEXT });
      const error = await listJobs();
      assert.equal(error.code, 'SERVER_ERROR');
      assert.equal(server.requests.length, 3, `${status}: the first try and two retries`);
    }
    for (const status of [400, 401, 403, 404, 500]) {
      server.requests.length = 0;
      server.answer({ status, body: 'no', headers: TEXT });
      await listJobs();
      assert.equal(server.requests.length, 1, `${status} is not retried`);
    }
  });

  it('a 429 with a short Retry-After is waited out by an idempotent request; a long one goes back to the caller', async function () {
    server.answer({ status: 429, body: 'slow down', headers: { ...TEXT, 'retry-after': '0.01' } });
    server.answer({ status: 200, body: '[]', headers: JSON_TYPE });
    assert.deepEqual(await http.json({ operation: 'list jobs', method: 'GET', url: `${server.url}/api/services/compute`, idempotent: true }), []);
    assert.equal(server.requests.length, 2);
    server.requests.length = 0;
    const error = await call({ status: 429, body: 'slow down', headers: { ...TEXT, 'retry-after': '60' } }, true);
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.retryAfterMs, 60_000);
    assert.equal(server.requests.length, 1);
  });

  it('a signed request does not follow a redirect', async function () {
    server.answer({ status: 302, headers: { location: `${server.url}/elsewhere` } });
    const error = await failure(http.json({ operation: 'fetch a result', method: 'GET', url: `${server.url}/api/services/computeResult`, signed: true }));
    assert.equal(error.code, 'BAD_RESPONSE');
    assert.equal(error.httpStatus, 302);
    assert.equal(error.message, `Could not fetch a result: ${server.url}/api/services/computeResult answered with a redirect (HTTP 302 to ${server.url}), which a signed request does not follow`);
    assert.equal(server.requests.length, 1);
  });

  it('a body that is not JSON where JSON is expected: BAD_RESPONSE with the status', async function () {
    server.answer({ status: 200, body: '<html>hello</html>', headers: { 'content-type': 'text/html' } });
    const error = await failure(http.json({ operation: 'list jobs', method: 'GET', url: `${server.url}/api/services/compute` }));
    assert.equal(error.code, 'BAD_RESPONSE');
    assert.equal(error.httpStatus, 200);
    assert.equal(error.message, `Could not list jobs: ${server.url}/api/services/compute answered HTTP 200 with a body that is not JSON ("<html>hello</html>")`);
  });
});
