import assert from 'node:assert/strict';
import { OceanError } from '../../src/ocean';
import { Backoff } from '../../src/tracker/backoff';
import { rateLimited, serverError } from './fake-client';

describe('tracker Backoff', function () {
  it('doubles from the interval on each failure in a row, up to the cap, and resets on success', function () {
    const backoff = new Backoff(5_000, 120_000);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => backoff.failure(serverError())), [10_000, 20_000, 40_000, 80_000, 120_000, 120_000]);
    assert.equal(backoff.success(), 5_000);
    assert.equal(backoff.failure(serverError()), 10_000);
  });

  it('waits at least retryAfterMs on RATE_LIMITED, even past the cap (up to five minutes), and at least twice the interval', function () {
    assert.equal(new Backoff(5_000, 120_000).failure(rateLimited(60_000)), 60_000);
    assert.equal(new Backoff(5_000, 120_000).failure(rateLimited(1_000)), 10_000);
    assert.equal(new Backoff(5_000, 120_000).failure(rateLimited()), 10_000);
    assert.equal(new Backoff(5_000, 30_000).failure(rateLimited(60_000)), 60_000, 'polling again before the window ends only earns another 429');
    assert.equal(new Backoff(5_000, 30_000).failure(rateLimited(10 ** 9)), 300_000);
  });

  it('reads retryAfterMs only from rate limits, from any error shape', function () {
    const backoff = new Backoff(100, 10_000);
    assert.equal(backoff.failure(new OceanError('SERVER_ERROR', 'x', { retryAfterMs: 5_000 })), 200);
    assert.equal(new Backoff(100, 10_000).failure({ code: 'RATE_LIMITED', retryAfterMs: 3_000 }), 3_000);
    assert.equal(new Backoff(100, 10_000).failure('a string'), 200);
  });

  it('stays finite after very many failures', function () {
    const backoff = new Backoff(1, 50);
    for (let i = 0; i < 5_000; i++) backoff.failure(serverError());
    assert.equal(backoff.failure(serverError()), 50);
    assert.ok(backoff.consecutiveFailures <= 30);
  });
});
