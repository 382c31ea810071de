import assert from 'node:assert/strict';
import { OceanError } from '../../src/ocean/errors';
import type { StartJobRequest } from '../../src/ocean/job-request';
import type { ComputeJob } from '../../src/ocean/jobs';
import { startCandidates, startOutcomeUnknown, unknownStart } from '../../src/ocean/start-recovery';

const SENT_AT = 1_700_000_000_000;
const seconds = (ms: number): string => String(ms / 1000);

function job(jobId: string, raw: Record<string, unknown>, environment?: string): ComputeJob {
  return { jobId, backend: 'ocean-node', status: 1, statusText: 'Running', done: false, failed: false, ok: true, stopRequested: false, environment, results: [], raw };
}

const paidStart: StartJobRequest = { environment: 'env-1', datasets: [{ did: 'did:op:data', transferTxId: '0xABCDEF' }], algorithm: { did: 'did:op:algo' } };
const freeStart: StartJobRequest = { ...paidStart, datasets: [], free: true };

describe('startOutcomeUnknown: which failed starts may still have started a job', function () {
  it('counts a timeout, an answer that was not a job, and a connection lost after it was made', function () {
    assert.equal(startOutcomeUnknown(new OceanError('TIMEOUT', 't')), true);
    assert.equal(startOutcomeUnknown(new OceanError('BAD_RESPONSE', 'b')), true);
    assert.equal(startOutcomeUnknown(new OceanError('UNREACHABLE', 'u', { details: { reason: 'ECONNRESET' } })), true);
    assert.equal(startOutcomeUnknown(new OceanError('UNREACHABLE', 'u')), true);
  });

  it('not a connection that was never made, a refusal, or anything but an OceanError', function () {
    assert.equal(startOutcomeUnknown(new OceanError('UNREACHABLE', 'u', { details: { reason: 'ECONNREFUSED' } })), false);
    assert.equal(startOutcomeUnknown(new OceanError('UNREACHABLE', 'u', { details: { reason: 'ENOTFOUND' } })), false);
    assert.equal(startOutcomeUnknown(new OceanError('REQUEST_REJECTED', 'r')), false);
    assert.equal(startOutcomeUnknown(new OceanError('SERVER_ERROR', 's')), false);
    assert.equal(startOutcomeUnknown(new Error('TIMEOUT')), false);
    assert.equal(startOutcomeUnknown({ code: 'TIMEOUT' }), false);
  });
});

describe('startCandidates: jobs of the wallet that may be the one an unanswered start created', function () {
  let realNow: () => number;
  beforeEach(function () {
    realNow = Date.now;
    Date.now = () => SENT_AT + 5_000;
  });
  afterEach(function () {
    Date.now = realNow;
  });

  it('Ocean Node: same environment, same free or paid, created after the start within a minute of slack, not known', function () {
    const jobs = [
      job('match', { dateCreated: seconds(SENT_AT + 1000), isFree: false }, 'env-1'),
      job('slack-edge', { dateCreated: seconds(SENT_AT - 60_000), isFree: false }, 'env-1'),
      job('too-old', { dateCreated: seconds(SENT_AT - 60_001), isFree: false }, 'env-1'),
      job('future-edge', { dateCreated: seconds(SENT_AT + 5_000 + 60_000) }, 'env-1'),
      job('too-far-ahead', { dateCreated: seconds(SENT_AT + 5_000 + 60_001) }, 'env-1'),
      job('other-env', { dateCreated: seconds(SENT_AT + 1000) }, 'env-2'),
      job('no-env', { dateCreated: seconds(SENT_AT + 1000) }),
      job('free', { dateCreated: seconds(SENT_AT + 1000), isFree: true }, 'env-1'),
      job('free-unknown-flag', { dateCreated: seconds(SENT_AT + 1000), isFree: 'yes' }, 'env-1'),
      job('no-date', {}, 'env-1'),
      job('bad-date', { dateCreated: 'yesterday' }, 'env-1'),
      job('known', { dateCreated: seconds(SENT_AT + 1000) }, 'env-1'),
    ];
    const found = startCandidates('ocean-node', paidStart, jobs, SENT_AT, new Set(['known']));
    assert.deepEqual(
      found.map((j) => j.jobId),
      ['match', 'slack-edge', 'future-edge', 'no-env', 'free-unknown-flag'],
    );
    const free = startCandidates('ocean-node', freeStart, jobs, SENT_AT, new Set());
    assert.deepEqual(
      free.map((j) => j.jobId),
      ['future-edge', 'no-env', 'free', 'free-unknown-flag', 'known'],
    );
  });

  it("Provider v2: only jobs of the order that paid for this start, compared without case", function () {
    const recent = seconds(SENT_AT + 1000);
    const jobs = [job('same-order', { dateCreated: recent, agreementId: '0xabcdef' }, 'env-9'), job('other-order', { dateCreated: recent, agreementId: '0x1234' }), job('no-order', { dateCreated: recent })];
    assert.deepEqual(
      startCandidates('provider-v2', paidStart, jobs, SENT_AT, new Set()).map((j) => j.jobId),
      ['same-order'],
    );
    // A start without an order (a raw dataset first) can match no Provider v2 job.
    const noOrder: StartJobRequest = { ...paidStart, datasets: [{ fileObject: { type: 'url', url: 'http://127.0.0.1/a', method: 'GET' } }] };
    assert.deepEqual(startCandidates('provider-v2', noOrder, jobs, SENT_AT, new Set()), []);
    assert.deepEqual(startCandidates('provider-v2', { ...paidStart, datasets: [] }, jobs, SENT_AT, new Set()), []);
  });
});

describe('unknownStart: the error of a start whose outcome stays unknown', function () {
  const cause = new OceanError('TIMEOUT', 'Could not start the job: no answer within 30000 ms', { httpStatus: 504, details: { reason: 'timeout' } });

  it('when the list could not be read: look before starting again', function () {
    const error = unknownStart(cause, undefined);
    assert.equal(error.code, 'TIMEOUT');
    assert.equal(error.httpStatus, 504);
    assert.equal(error.message, "Could not start the job: no answer within 30000 ms; whether the job started could not be checked (the wallet's jobs could not be listed): look before starting it again");
    assert.deepEqual(error.details, { reason: 'timeout', startUnknown: true, candidates: [] });
  });

  it('when no job matches: safe to start again', function () {
    const error = unknownStart(cause, []);
    assert.equal(error.message, "Could not start the job: no answer within 30000 ms; no job was started (the wallet's jobs were checked), so it is safe to start it again");
    assert.deepEqual(error.details, { reason: 'timeout', startUnknown: false, candidates: [] });
  });

  it('when jobs match: names every one', function () {
    const error = unknownStart(cause, [job('a', {}), job('b', {})]);
    assert.equal(error.message, 'Could not start the job: no answer within 30000 ms; the job may have started: 2 jobs started since could be it (a, b); look before starting it again');
    assert.deepEqual(error.details, { reason: 'timeout', startUnknown: true, candidates: ['a', 'b'] });
    assert.equal(error.retryable, cause.retryable);
  });
});
