import assert from 'node:assert/strict';
import { OceanError } from '../../src/ocean';
import { asError, errorCode, isNotFound, rateLimitWaitMs } from '../../src/tracker/error-info';

describe('error-info: reading errors of any client', function () {
  it('errorCode reads a string code from any object, and nothing else', function () {
    assert.equal(errorCode(new OceanError('NOT_FOUND', 'gone')), 'NOT_FOUND');
    assert.equal(errorCode({ code: 'ENOENT' }), 'ENOENT');
    assert.equal(errorCode({ code: 404 }), undefined);
    assert.equal(errorCode('NOT_FOUND'), undefined);
    assert.equal(errorCode(null), undefined);
    assert.equal(errorCode(undefined), undefined);
  });

  it('isNotFound is true for the NOT_FOUND code only', function () {
    assert.equal(isNotFound(new OceanError('NOT_FOUND', 'gone')), true);
    assert.equal(isNotFound({ code: 'NOT_FOUND' }), true);
    assert.equal(isNotFound(new OceanError('SERVER_ERROR', 'HTTP 500')), false);
    assert.equal(isNotFound(new Error('NOT_FOUND')), false);
  });

  it('rateLimitWaitMs answers the wait a rate-limited server asked for', function () {
    assert.equal(rateLimitWaitMs(new OceanError('RATE_LIMITED', 'HTTP 429', { retryAfterMs: 60_000 })), 60_000);
    assert.equal(rateLimitWaitMs({ code: 'RATE_LIMITED', retryAfterMs: 0.5 }), 0.5);
  });

  it('rateLimitWaitMs answers nothing for a wait of 0 or less, not a finite number, or not a rate limit', function () {
    assert.equal(rateLimitWaitMs(new OceanError('RATE_LIMITED', 'HTTP 429', { retryAfterMs: 0 })), undefined);
    assert.equal(rateLimitWaitMs(new OceanError('RATE_LIMITED', 'HTTP 429', { retryAfterMs: -1_000 })), undefined);
    assert.equal(rateLimitWaitMs(new OceanError('RATE_LIMITED', 'HTTP 429')), undefined);
    assert.equal(rateLimitWaitMs({ code: 'RATE_LIMITED', retryAfterMs: Number.NaN }), undefined);
    assert.equal(rateLimitWaitMs({ code: 'RATE_LIMITED', retryAfterMs: Number.POSITIVE_INFINITY }), undefined);
    assert.equal(rateLimitWaitMs({ code: 'RATE_LIMITED', retryAfterMs: '60000' }), undefined);
    assert.equal(rateLimitWaitMs(new OceanError('SERVER_ERROR', 'HTTP 503', { retryAfterMs: 60_000 })), undefined);
    assert.equal(rateLimitWaitMs('RATE_LIMITED'), undefined);
  });

  it('asError keeps an Error and wraps anything else', function () {
    const error = new OceanError('TIMEOUT', 'slow');
    assert.equal(asError(error), error);
    const wrapped = asError('plain text');
    assert.ok(wrapped instanceof Error);
    assert.equal(wrapped.message, 'plain text');
    assert.equal(asError(undefined).message, 'undefined');
  });
});
