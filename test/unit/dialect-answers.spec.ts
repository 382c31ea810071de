import assert from 'node:assert/strict';
import { parseJobList, parseNonceBody, serverMessage } from '../../src/ocean/dialects/common';
import { parseInitialize } from '../../src/ocean/dialects/initialize';
import { oceanNodeDialect } from '../../src/ocean/dialects/ocean-node';
import { providerV2Dialect } from '../../src/ocean/dialects/provider-v2';
import { OceanError } from '../../src/ocean/errors';
import type { ComputeJob } from '../../src/ocean/jobs';
import type { StartJobRequest } from '../../src/ocean/job-request';

const DID = `did:op:${'ab'.repeat(32)}`;
const CONSUMER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const answered = (serverMessage: string): OceanError => new OceanError('REQUEST_REJECTED', `Could not start a compute job: ${serverMessage}`, { httpStatus: 400, details: { serverMessage } });

describe('what the backends answer, read by the dialects', function () {
  describe('initializeCompute', function () {
    it('reads each dataset\'s order, datatoken and provider fee, the algorithm\'s, and the escrow quote', function () {
      const fee = { providerFeeAddress: '0xfee', providerFeeToken: '0xtoken', providerFeeAmount: '12', providerData: '0xdata', v: '27', r: '0xr', s: '0xs', validUntil: 1_700_000_000 };
      const answer = parseInitialize({
        datasets: [{ validOrder: '0xorder', datatoken: '0xdt', providerFee: fee }, { validOrder: false, providerFee: {} }, { validOrder: 'order-without-0x' }, 'junk'],
        algorithm: { datatoken: 7 },
        payment: { escrowAddress: '0xescrow', payee: '0xpayee', chainId: '8996', token: '0xocean', amount: '1000', minLockSeconds: 3660 },
      });
      assert.deepEqual(answer, {
        datasets: [
          { validOrder: '0xorder', datatoken: '0xdt', providerFee: { ...fee, v: 27 } },
          {
            validOrder: undefined,
            datatoken: undefined,
            providerFee: { providerFeeAddress: '', providerFeeToken: '', providerFeeAmount: '0', providerData: '0x', v: 0, r: '', s: '', validUntil: 0 },
          },
          { validOrder: undefined, datatoken: undefined, providerFee: undefined },
          {},
        ],
        algorithm: { validOrder: undefined, datatoken: undefined, providerFee: undefined },
        payment: { escrowAddress: '0xescrow', payee: '0xpayee', chainId: 8996, token: '0xocean', amount: '1000', minLockSeconds: 3660 },
      });
    });

    it('fills what a quote leaves out, and has no algorithm or payment when none is answered', function () {
      assert.deepEqual(parseInitialize({ datasets: 'none', payment: { escrowAddress: '0xescrow' } }), {
        datasets: [],
        algorithm: undefined,
        payment: { escrowAddress: '0xescrow', payee: '', chainId: 0, token: '', amount: '0', minLockSeconds: 0 },
      });
      assert.deepEqual(parseInitialize({ algorithm: null, payment: { amount: '5' } }), { datasets: [], algorithm: {}, payment: undefined });
      assert.throws(() => parseInitialize([]), { code: 'BAD_RESPONSE', message: 'initializeCompute answered something that is not an object' });
    });
  });

  describe('nonces', function () {
    it('reads a whole number exactly, however large, and rounds a decimal up', function () {
      assert.equal(parseNonceBody({ nonce: 5 }), 5n);
      assert.equal(parseNonceBody({ nonce: ' 7 ' }), 7n);
      assert.equal(parseNonceBody({ nonce: '123456789012345678901234567890' }), 123456789012345678901234567890n);
      assert.equal(parseNonceBody({ nonce: 3.2 }), 4n);
      assert.equal(parseNonceBody({ nonce: '0.0' }), 0n);
      assert.equal(parseNonceBody({ nonce: '0' }), 0n);
    });

    it('refuses what is not a nonce, quoting it', function () {
      const refused: Array<[unknown, string]> = [[-1.5, '-1.5'], [' ', '" "'], ['', '""'], ['abc', '"abc"'], [[5], '[5]'], [true, 'true'], [undefined, 'undefined']];
      for (const [nonce, shown] of refused) {
        assert.throws(() => parseNonceBody({ nonce }), { code: 'BAD_RESPONSE', message: `The server answered a nonce request without a usable nonce (${shown})` }, `nonce ${shown}`);
      }
    });
  });

  it('a job list keeps only the objects in it, and a list that is not one is named', function () {
    const seen: unknown[] = [];
    const parse = (raw: Record<string, unknown>): ComputeJob => {
      seen.push(raw);
      return { jobId: String(raw.jobId) } as ComputeJob;
    };
    assert.deepEqual(parseJobList([null, 'x', 3, { jobId: 'j1' }], parse, 'Ocean Node').map((job) => job.jobId), ['j1']);
    assert.deepEqual(seen, [{ jobId: 'j1' }]);
    assert.throws(() => parseJobList({}, parse, 'Provider'), { code: 'BAD_RESPONSE', message: 'The Provider answered a job request with something other than a list of jobs' });
  });

  it('an error without a server message has an empty one', function () {
    assert.equal(serverMessage(new OceanError('UNREACHABLE', 'Could not reach it')), '');
    assert.equal(serverMessage(answered('Not enough cpu')), 'Not enough cpu');
  });

  describe('Ocean Node', function () {
    it('knows a busy environment from the reasons a real Ocean Node gives', function () {
      for (const reason of ['Not enough cpu', 'Not enough available ram for this job', 'Too many jobs', 'too many free jobs', 'Maximum number of jobs reached', 'maximum number of free jobs reached']) {
        assert.equal(oceanNodeDialect.lacksRoom(answered(reason)), true, reason);
      }
      for (const reason of ['Not enough', 'too many datasets', 'Invalid C2D Environment', '']) assert.equal(oceanNodeDialect.lacksRoom(answered(reason)), false, reason);
    });

    it('gives each refusal its own code, and leaves others as they were', function () {
      const codes: Array<[string, string]> = [
        ['TxId Service 0xab is not valid', 'ORDER_INVALID'],
        ['Missing transferTxId', 'ORDER_INVALID'],
        ['Cannot find job with id 0x1', 'NOT_FOUND'],
        ['You are not authorized to get results', 'ACCESS_DENIED'],
        ['Invalid C2D Environment', 'REQUEST_REJECTED'],
        ['Environment does not accept payments in that token', 'REQUEST_REJECTED'],
        ['Not enough cpu', 'REQUEST_REJECTED'],
        ['Not enough available disk', 'REQUEST_REJECTED'],
        ['Image not allowed to run', 'REQUEST_REJECTED'],
      ];
      for (const [reason, code] of codes) assert.equal(oceanNodeDialect.refineError(new OceanError('BAD_RESPONSE', 'x', { details: { serverMessage: reason } })).code, code, reason);
      const other = new OceanError('BAD_RESPONSE', 'x', { details: { serverMessage: 'Not enough' } });
      assert.equal(oceanNodeDialect.refineError(other), other);
    });

    it('says in each plan what it was doing, for the errors users read', function () {
      const who = { consumerAddress: CONSUMER, jobId: 'job-1' };
      assert.equal(oceanNodeDialect.label, 'Ocean Node');
      assert.equal(oceanNodeDialect.tokenPlan!(CONSUMER, 1).operation, 'create an auth token');
      const request: StartJobRequest = { environment: 'env', datasets: [{ did: DID, serviceId: 's' }, { fileObject: { type: 'url', url: 'https://x', method: 'GET' } }], algorithm: { did: DID, serviceId: 'a' } };
      const quote = oceanNodeDialect.initializePlan(CONSUMER, request, 0);
      assert.equal(quote.operation, 'get a price quote for the job');
      assert.deepEqual((quote.body as { datasets: unknown[] }).datasets, [{ documentId: DID, serviceId: 's' }], 'only the published dataset');
      const live = oceanNodeDialect.liveLogPlan!(who);
      assert.deepEqual({ endpoint: live.endpoint, operation: live.operation, placement: live.placement, query: live.query, idempotent: live.idempotent }, {
        endpoint: 'computeStreamableLogs',
        operation: 'read the live log of job job-1',
        placement: 'query',
        query: { consumerAddress: CONSUMER, jobId: 'job-1' },
        idempotent: true,
      });
    });
  });

  describe('Provider v2', function () {
    it('knows a busy Provider, and gives each refusal its own code', function () {
      for (const reason of ['Too many jobs', 'no slots', 'no free slot', 'maxJobs reached']) assert.equal(providerV2Dialect.lacksRoom(answered(reason)), true, reason);
      assert.equal(providerV2Dialect.lacksRoom(answered('no data')), false);
    });

    it('refuses what it cannot run with the field and the reason, never echoing the custom data', function () {
      const algorithm = { meta: { rawcode: 'print(1)', container: { entrypoint: 'python $ALGO', image: 'python', tag: '3', checksum: 'sha256:ab' } } };
      assert.throws(() => providerV2Dialect.validateStart({ environment: 'e', datasets: [{ did: DID, serviceId: 's' }, { fileObject: { type: 'url', url: 'https://secret.example/data', method: 'GET' } }], algorithm }), {
        code: 'INVALID_INPUT',
        message: 'datasets[1]: expected a published dataset {did, serviceId}: Provider v2 takes no URL files',
      });
      assert.throws(() => providerV2Dialect.validateStart({ environment: 'e', datasets: [{ did: DID, serviceId: 's' }], algorithm, algocustomdata: { apiKey: 'hunter2' } }), {
        code: 'INVALID_INPUT',
        message: 'algocustomdata: expected no custom data with a raw algorithm: Provider v2 passes it only to published algorithms',
      });
    });

    it('says in each plan what it was doing', function () {
      const who = { consumerAddress: CONSUMER, jobId: 'job-1', did: DID };
      const request: StartJobRequest = { environment: 'env', datasets: [{ did: DID, serviceId: 's' }], algorithm: { did: DID, serviceId: 'a' } };
      assert.equal(providerV2Dialect.label, 'Provider v2');
      assert.equal(providerV2Dialect.startPlan(CONSUMER, request).operation, 'start a compute job');
      assert.equal(providerV2Dialect.statusPlan(who).operation, 'get the status of job job-1');
      assert.equal(providerV2Dialect.statusPlan({ consumerAddress: CONSUMER }).operation, 'list the jobs of the wallet');
      assert.equal(providerV2Dialect.stopPlan(who).operation, 'stop job job-1');
      const result = providerV2Dialect.resultPlan(who, 2);
      assert.equal(result.operation, 'fetch result 2 of job job-1');
      assert.equal(result.idempotent, true);
      assert.equal(providerV2Dialect.initializePlan(CONSUMER, request, 0).operation, 'get the provider fees for the job');
    });
  });
});
