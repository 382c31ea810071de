import assert from 'node:assert/strict';
import { OceanError, describeValue, invalidConfig, invalidInput, isOceanError } from '../../src/ocean/errors';

describe('OceanError: the one error type of the client', function () {
  it('is retryable by default only when the backend could not be reached, timed out or rate-limited', function () {
    for (const code of ['UNREACHABLE', 'TIMEOUT', 'RATE_LIMITED'] as const) assert.equal(new OceanError(code, 'm').retryable, true, code);
    for (const code of ['SERVER_ERROR', 'INVALID_INPUT', 'ABORTED', 'BAD_RESPONSE'] as const) assert.equal(new OceanError(code, 'm').retryable, false, code);
    assert.equal(new OceanError('SERVER_ERROR', 'm', { retryable: true }).retryable, true);
    assert.equal(new OceanError('TIMEOUT', 'm', { retryable: false }).retryable, false);
  });

  it('is an Error named OceanError, and its JSON view holds only the fields that are set', function () {
    const bare = new OceanError('NOT_FOUND', 'no such job');
    assert.ok(bare instanceof Error);
    assert.equal(bare.name, 'OceanError');
    assert.equal(bare.message, 'no such job');
    assert.deepEqual(bare.info(), { code: 'NOT_FOUND', message: 'no such job', retryable: false });
    const full = new OceanError('RATE_LIMITED', 'slow down', { httpStatus: 429, retryAfterMs: 0, jobId: 'j1', details: { a: 1 } });
    assert.deepEqual(JSON.parse(JSON.stringify(full)), { code: 'RATE_LIMITED', message: 'slow down', retryable: true, httpStatus: 429, retryAfterMs: 0, jobId: 'j1', details: { a: 1 } });
    assert.deepEqual(full.toJSON(), full.info());
  });

  it('forJob: the same error when it already names the job, else a copy naming it that keeps everything and the stack', function () {
    const original = new OceanError('SERVER_ERROR', 'boom', { httpStatus: 500, retryable: true, details: { x: 1 } });
    const copy = original.forJob('job-7');
    assert.notEqual(copy, original);
    assert.equal(original.jobId, undefined);
    assert.deepEqual(copy.info(), { code: 'SERVER_ERROR', message: 'boom', retryable: true, httpStatus: 500, jobId: 'job-7', details: { x: 1 } });
    assert.equal(copy.stack, original.stack);
    assert.equal(copy.forJob('job-7'), copy);
    assert.equal(copy.forJob('job-8').jobId, 'job-8');
  });

  it('isOceanError tells it from other errors and look-alikes', function () {
    assert.equal(isOceanError(new OceanError('TIMEOUT', 't')), true);
    assert.equal(isOceanError(new Error('t')), false);
    assert.equal(isOceanError({ code: 'TIMEOUT', message: 't' }), false);
  });
});

describe('describeValue: a value in an error message, never a long or secret-looking string', function () {
  it('describes each kind of value', function () {
    assert.equal(describeValue(undefined), 'nothing');
    assert.equal(describeValue(null), 'null');
    assert.equal(describeValue(''), 'an empty string');
    assert.equal(describeValue('short "one"'), '"short \\"one\\""');
    assert.equal(describeValue('x'.repeat(40)), `"${'x'.repeat(40)}"`);
    assert.equal(describeValue('x'.repeat(41)), 'a 41-character string');
    assert.equal(describeValue(0), '0');
    assert.equal(describeValue(false), 'false');
    assert.equal(describeValue([1, 2, 3]), 'an array of 3');
    assert.equal(describeValue({ key: 'secret' }), 'a object');
    assert.equal(describeValue(10n), 'a bigint');
  });
});

describe('invalidInput and invalidConfig: "<field>: expected <what>, got <value>"', function () {
  it('names the field in the message and the details, and can leave the value out', function () {
    const input = invalidInput('payload.jobId', 'a job id', 42);
    assert.equal(input.code, 'INVALID_INPUT');
    assert.equal(input.message, 'payload.jobId: expected a job id, got 42');
    assert.deepEqual(input.details, { field: 'payload.jobId' });
    assert.equal(invalidInput('code', 'text', 'secret', { hideValue: true }).message, 'code: expected text');
    const config = invalidConfig('rpcUrl', 'a URL');
    assert.equal(config.code, 'INVALID_CONFIG');
    assert.equal(config.message, 'rpcUrl: expected a URL, got nothing');
    assert.deepEqual(config.details, { field: 'rpcUrl' });
    assert.equal(invalidConfig('privateKey', 'a key', 'abc', { hideValue: true }).message, 'privateKey: expected a key');
  });
});
