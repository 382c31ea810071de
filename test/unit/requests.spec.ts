import assert from 'node:assert/strict';
import { Wallet } from 'ethers';
import { signRequest } from '../../src/ocean/auth/signing';
import { dialectFor } from '../../src/ocean/dialects';
import { oceanNodeDialect } from '../../src/ocean/dialects/ocean-node';
import { providerV2Dialect } from '../../src/ocean/dialects/provider-v2';
import type { Dialect } from '../../src/ocean/dialects/types';
import { OceanError, type OceanErrorCode } from '../../src/ocean/errors';
import type { AlgorithmContainer, AssetInput, StartJobRequest } from '../../src/ocean/job-request';
import { HttpClient } from '../../src/ocean/http';
import { testAccount } from '../helpers/accounts';
import { startCannedServer, type CannedServer } from '../helpers/canned-server';
import { failure, thrown } from '../helpers/failure';
import { exchange } from '../helpers/recordings';

const ADDRESS = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const ENVIRONMENT =
  '0xff1004b67de08fc505fbf0a2089010d0f23015338c7def8557697513c4a39935-0x848d46dde475ece3939688741ae1e0b0ff49001c45e7e7156acbe1820a6c68b6';
const JOB_ID = `${ENVIRONMENT.split('-')[0]}-2bd273082142ce0fddb783cd65da79dd18f1d859019ea27e617253328b07a8a0`;
const V2_JOB_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const DID_A = 'did:op:0f1d3e7b5c0e2a1a6f45b5d2c3a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1';
const DID_B = 'did:op:1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f00f';
const ALGO_DID = 'did:op:9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9';
const TX_A = `0x${'a'.repeat(64)}`;
const TX_B = `0x${'b'.repeat(64)}`;
const TX_ALGO = `0x${'c'.repeat(64)}`;
const CONTAINER = { entrypoint: 'python $ALGO', image: 'oceanprotocol/algo_dockers', tag: 'python-branin', checksum: `sha256:${'d'.repeat(64)}` };

const datasetA: AssetInput = { did: DID_A, serviceId: 'compute-1', transferTxId: TX_A, userdata: { rows: 10 } };
const datasetB: AssetInput = { did: DID_B, serviceId: 'compute-2', transferTxId: TX_B };
const publishedAlgorithm: AssetInput = { did: ALGO_DID, serviceId: 'algo-access', transferTxId: TX_ALGO };

/** The body of a recorded request without the parts the auth layer adds. */
function recordedBody(file: string, note: RegExp): Record<string, unknown> {
  const body = { ...(exchange(file, note).request.body as Record<string, unknown>) };
  delete body.nonce;
  delete body.signature;
  return body;
}

function recordedQuery(file: string, note: RegExp): Record<string, string> {
  const params = new URL(exchange(file, note).request.path, 'http://127.0.0.1').searchParams;
  return Object.fromEntries([...params.entries()]);
}

let server: CannedServer;
let http: HttpClient;

/** The error the real HTTP client makes of a server answer, sent by a real server on 127.0.0.1. */
function serverError(status: number, bodyText: string, contentType = 'application/json'): Promise<OceanError> {
  server.answer({ status, body: bodyText, headers: { 'content-type': contentType } });
  return failure(http.text({ operation: 'do it', method: 'GET', url: `${server.url}/api/services/compute`, idempotent: false }));
}

/** The error the client makes of a recorded Ocean Node answer: its status, content type and body as recorded. */
function recordedError(file: string, note: RegExp): Promise<OceanError> {
  const { response } = exchange(file, note);
  const text = response.bodyEncoding === 'json' ? JSON.stringify(response.body) : String(response.body);
  return serverError(response.status, text, response.headers['content-type'] ?? 'text/plain');
}

/** Asserts an INVALID_INPUT error that names `field`. */
function assertFieldError(fn: () => void, field: string, message?: RegExp): void {
  const error = thrown(fn);
  assert.equal(error.code, 'INVALID_INPUT');
  assert.equal(error.details?.field, field);
  assert.ok(error.message.startsWith(`${field}: expected `), error.message);
  if (message) assert.match(error.message, message);
}

describe('request plans', function () {
  before(async function () {
    server = await startCannedServer();
    http = new HttpClient({ retries: 0 });
  });

  after(async function () {
    http.close();
    await server.close();
  });

  it('dialectFor picks the dialect of a backend', function () {
    assert.equal(dialectFor('ocean-node'), oceanNodeDialect);
    assert.equal(dialectFor('provider-v2'), providerV2Dialect);
    assert.equal(oceanNodeDialect.kind, 'ocean-node');
    assert.equal(providerV2Dialect.kind, 'provider-v2');
    assert.deepEqual(oceanNodeDialect.environmentsQuery(8996), { chainId: 8996 });
    assert.deepEqual(providerV2Dialect.environmentsQuery(8996), { chainId: 8996 });
  });

  describe('Ocean Node', function () {
    const free: StartJobRequest = {
      environment: ENVIRONMENT,
      datasets: [{ fileObject: { type: 'url', url: 'http://127.0.0.1:8099/data.csv', method: 'get' } }],
      algorithm: { meta: { rawcode: 'echo 42', container: { entrypoint: 'sh $ALGO', image: '127.0.0.1:5000/feas/busybox', tag: '1' } } },
      free: true,
    };

    it('free start: freeCompute, signed over address + nonce + "freeStartCompute", in the body', function () {
      const plan = oceanNodeDialect.startPlan(ADDRESS, free);
      assert.equal(plan.endpoint, 'freeCompute');
      assert.equal(plan.operation, 'start a free compute job');
      assert.equal(plan.placement, 'body');
      assert.equal(plan.message(ADDRESS, '1'), `${ADDRESS}1freeStartCompute`);
      assert.equal(plan.message(ADDRESS.toLowerCase(), '1795571944506'), `${ADDRESS.toLowerCase()}1795571944506freeStartCompute`);
      assert.equal(plan.idempotent, undefined, 'a start is never re-sent on its own');
      assert.equal(plan.nonceAsNumber, undefined);
      assert.equal(plan.query, undefined);
    });

    it('paid start: computeStart, signed with "startCompute", payment in the body', function () {
      const paid: StartJobRequest = {
        ...free,
        free: false,
        datasets: [datasetA],
        algorithm: publishedAlgorithm,
        maxJobDuration: 60,
        payment: { chainId: 8996, token: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
        resources: [{ id: 'cpu', amount: 1 }],
        algocustomdata: { threshold: 3 },
      };
      const plan = oceanNodeDialect.startPlan(ADDRESS, paid);
      assert.equal(plan.endpoint, 'computeStart');
      assert.equal(plan.operation, 'start a compute job');
      assert.equal(plan.message(ADDRESS, '7'), `${ADDRESS}7startCompute`);
      assert.deepEqual(plan.body, {
        consumerAddress: ADDRESS,
        environment: ENVIRONMENT,
        datasets: [{ documentId: DID_A, serviceId: 'compute-1', transferTxId: TX_A, userdata: { rows: 10 } }],
        algorithm: { documentId: ALGO_DID, serviceId: 'algo-access', transferTxId: TX_ALGO, algocustomdata: { threshold: 3 } },
        resources: [{ id: 'cpu', amount: 1 }],
        maxJobDuration: 60,
        payment: { chainId: 8996, token: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
      });
    });

    it('sends `datasets` (several), never a v2 `dataset` or `additionalDatasets`', function () {
      const plan = oceanNodeDialect.startPlan(ADDRESS, { ...free, datasets: [datasetA, datasetB, ...free.datasets] });
      const body = plan.body!;
      assert.deepEqual(body.datasets, [
        { documentId: DID_A, serviceId: 'compute-1', transferTxId: TX_A, userdata: { rows: 10 } },
        { documentId: DID_B, serviceId: 'compute-2', transferTxId: TX_B },
        { fileObject: { type: 'url', url: 'http://127.0.0.1:8099/data.csv', method: 'get' } },
      ]);
      for (const key of ['dataset', 'additionalDatasets', 'additionalInputs', 'payment', 'nonce', 'signature']) assert.ok(!(key in body), `no ${key}`);
    });

    it('leaves out a payment on a free job and the optional fields not given', function () {
      const body = oceanNodeDialect.startPlan(ADDRESS, { ...free, payment: { chainId: 8996, token: '0x1' } }).body!;
      assert.deepEqual(Object.keys(body).sort(), ['algorithm', 'consumerAddress', 'datasets', 'environment']);
      assert.deepEqual(body.algorithm, { meta: { rawcode: 'echo 42', container: { entrypoint: 'sh $ALGO', image: '127.0.0.1:5000/feas/busybox', tag: '1' } } });
    });

    it('builds the body a real Ocean Node took for the recorded free start', function () {
      const recorded = recordedBody('b-free-compute-lifecycle', /^free start: raw-code/);
      const request: StartJobRequest = {
        environment: recorded.environment as string,
        datasets: recorded.datasets as StartJobRequest['datasets'],
        algorithm: recorded.algorithm as StartJobRequest['algorithm'],
        resources: recorded.resources as StartJobRequest['resources'],
        maxJobDuration: recorded.maxJobDuration as number,
        free: true,
      };
      const plan = oceanNodeDialect.startPlan(recorded.consumerAddress as string, request);
      assert.deepEqual(plan.body, recorded);
    });

    it('builds the body of the recorded paid start (payment as given)', function () {
      const recorded = recordedBody('d-paid-compute-escrow', /^paid start/);
      const payment = recorded.payment as { chainId: number; token: string };
      const request: StartJobRequest = {
        environment: recorded.environment as string,
        datasets: [],
        algorithm: recorded.algorithm as StartJobRequest['algorithm'],
        resources: recorded.resources as StartJobRequest['resources'],
        maxJobDuration: 60,
        payment: { chainId: payment.chainId, token: payment.token },
      };
      const plan = oceanNodeDialect.startPlan(recorded.consumerAddress as string, request);
      assert.equal(plan.endpoint, 'computeStart');
      assert.deepEqual(plan.body, { ...recorded, payment: { chainId: 8996, token: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } });
    });

    it('stop: computeStop, "stopCompute", nonce and signature in the query', function () {
      const plan = oceanNodeDialect.stopPlan({ consumerAddress: ADDRESS, jobId: JOB_ID, did: DID_A });
      assert.equal(plan.endpoint, 'computeStop');
      assert.equal(plan.operation, `stop job ${JOB_ID}`);
      assert.equal(plan.placement, 'query');
      assert.deepEqual(plan.query, { consumerAddress: ADDRESS, jobId: JOB_ID });
      assert.equal(plan.body, undefined);
      assert.equal(plan.idempotent, true);
      assert.equal(plan.message(ADDRESS, '6'), `${ADDRESS}6stopCompute`, 'neither job id nor DID is signed');
    });

    it('result: computeResult, "getComputeResult", index in the query', function () {
      const plan = oceanNodeDialect.resultPlan({ consumerAddress: ADDRESS, jobId: JOB_ID }, 3);
      assert.equal(plan.endpoint, 'computeResult');
      assert.equal(plan.operation, `fetch result 3 of job ${JOB_ID}`);
      assert.equal(plan.placement, 'query');
      assert.deepEqual(plan.query, { consumerAddress: ADDRESS, jobId: JOB_ID, index: 3 });
      assert.equal(plan.idempotent, true);
      assert.equal(plan.message(ADDRESS, '3'), `${ADDRESS}3getComputeResult`);
    });

    it('token: generateAuthToken, "createAuthToken", address and validUntil in the body', function () {
      assert.equal(oceanNodeDialect.tokenEndpoint, 'generateAuthToken');
      const plan = oceanNodeDialect.tokenPlan!(ADDRESS, 1_795_571_659_686);
      assert.equal(plan.endpoint, 'generateAuthToken');
      assert.equal(plan.placement, 'body');
      assert.deepEqual(plan.body, { address: ADDRESS, validUntil: 1_795_571_659_686 });
      assert.equal(plan.message(ADDRESS, '2'), `${ADDRESS}2createAuthToken`);
    });

    it('status: unsigned, consumerAddress and jobId in the query', function () {
      const plan = oceanNodeDialect.statusPlan({ consumerAddress: ADDRESS, jobId: JOB_ID, did: DID_A });
      assert.equal(plan.endpoint, 'computeStatus');
      assert.equal(plan.operation, `get the status of job ${JOB_ID}`);
      assert.deepEqual(plan.query, { consumerAddress: ADDRESS, jobId: JOB_ID });
      assert.equal(plan.idempotent, true);
      assert.ok(!('message' in plan));
      assert.equal(oceanNodeDialect.statusPlan({ consumerAddress: ADDRESS }).operation, 'list the jobs of the wallet');
    });

    it('signing the plans reproduces the recorded requests a real Ocean Node accepted', async function () {
      const consumer = new Wallet(testAccount(2).privateKey);
      const start = oceanNodeDialect.startPlan(consumer.address, free);
      const startRequest = exchange('b-free-compute-lifecycle', /^free start: raw-code/).request.body as { nonce: string; signature: string };
      assert.equal(await signRequest(consumer, start.message(consumer.address, startRequest.nonce)), startRequest.signature);

      const resultQuery = recordedQuery('b-free-compute-lifecycle', /^result index 0 /);
      const result = oceanNodeDialect.resultPlan({ consumerAddress: consumer.address, jobId: resultQuery.jobId! }, 0);
      assert.deepEqual(
        Object.fromEntries(Object.entries(result.query!).map(([k, v]) => [k, String(v)])),
        { consumerAddress: resultQuery.consumerAddress, jobId: resultQuery.jobId, index: resultQuery.index },
      );
      assert.equal(await signRequest(consumer, result.message(consumer.address, resultQuery.nonce!)), resultQuery.signature);

      const stopper = new Wallet(testAccount(4).privateKey);
      const stopQuery = recordedQuery('c-failures-stop-early-results', /^c1 stop requested/);
      const stop = oceanNodeDialect.stopPlan({ consumerAddress: stopper.address, jobId: stopQuery.jobId! });
      assert.deepEqual(stop.query, { consumerAddress: stopQuery.consumerAddress, jobId: stopQuery.jobId });
      assert.equal(await signRequest(stopper, stop.message(stopper.address, stopQuery.nonce!)), stopQuery.signature);

      const tokenUser = new Wallet(testAccount(6).privateKey);
      const tokenRequest = exchange('e-auth-token', /^create auth token with validUntil/).request.body as Record<string, unknown>;
      const token = oceanNodeDialect.tokenPlan!(tokenUser.address, tokenRequest.validUntil as number);
      assert.deepEqual(token.body, { address: tokenRequest.address, validUntil: tokenRequest.validUntil });
      assert.equal(await signRequest(tokenUser, token.message(tokenUser.address, tokenRequest.nonce as string)), tokenRequest.signature);

      const payer = new Wallet(testAccount(5).privateKey);
      const paidRequest = exchange('d-paid-compute-escrow', /^paid start/).request.body as { nonce: string; signature: string };
      const paid = oceanNodeDialect.startPlan(payer.address, { ...free, free: false, payment: { chainId: 8996, token: '0x1' }, maxJobDuration: 60 });
      assert.equal(await signRequest(payer, paid.message(payer.address, paidRequest.nonce)), paidRequest.signature);
    });

    describe('validateStart', function () {
      it('takes a free job without payment, duration or orders', function () {
        assert.doesNotThrow(() => oceanNodeDialect.validateStart(free));
        assert.doesNotThrow(() => oceanNodeDialect.validateStart({ ...free, datasets: [], algorithm: { did: ALGO_DID, serviceId: 'a' } }));
      });

      it('a paid job needs maxJobDuration, which sets its price', function () {
        assertFieldError(() => oceanNodeDialect.validateStart({ ...free, free: false, payment: { chainId: 8996, token: '0x1' } }), 'maxJobDuration', /sets the price/);
        assertFieldError(() => oceanNodeDialect.validateStart({ ...free, free: undefined }), 'maxJobDuration');
      });

      it('a paid job may leave payment and orders to the client, which pays them', function () {
        const paid: StartJobRequest = { ...free, free: false, maxJobDuration: 60 };
        assert.doesNotThrow(() => oceanNodeDialect.validateStart({ ...paid, algorithm: { did: ALGO_DID, serviceId: 'a' } }));
        assert.doesNotThrow(() => oceanNodeDialect.validateStart({ ...paid, algorithm: publishedAlgorithm, payment: { chainId: 8996, token: '0x1' } }));
      });

      it('does not echo hidden values', function () {
        const error = thrown(() => oceanNodeDialect.validateStart({ ...free, free: false }));
        assert.doesNotMatch(error.message, /, got /);
      });
    });

    describe('errors', function () {
      it('maps the recorded messages to precise codes', async function () {
        const cases: Array<[string, RegExp, OceanErrorCode]> = [
          ['f-errors', /^result for an unknown jobId/, 'NOT_FOUND'],
          ['f-errors', /^another consumer \(properly signed\)/, 'ACCESS_DENIED'],
          ['e-auth-token', /^token of consumer A used with consumerAddress of consumer B \(anvil #7\) for A's job result/, 'ACCESS_DENIED'],
          ['f-errors', /^free start with an unknown environment id/, 'REQUEST_REJECTED'],
          ['f-errors', /^free start with the right engine hash but an unknown environment suffix/, 'REQUEST_REJECTED'],
          ['d-paid-compute-escrow', /^paid start with a fee token the environment does not accept/, 'REQUEST_REJECTED'],
          ['f-errors', /^free start asking 2 cpu/, 'REQUEST_REJECTED'],
        ];
        for (const [file, note, code] of cases) {
          const original = await recordedError(file, note);
          const refined = oceanNodeDialect.refineError(original);
          assert.equal(refined.code, code, `${file} ${note}`);
          assert.equal(refined.message, original.message);
          assert.equal(refined.httpStatus, original.httpStatus);
          assert.deepEqual(refined.details, original.details);
          assert.equal(refined.retryable, false);
        }
      });

      it('maps order failures to ORDER_INVALID', async function () {
        const invalidTx = await serverError(500, JSON.stringify(`TxId Service ${TX_A} is not valid for DDO ${DID_A} and service compute-1`));
        assert.equal(oceanNodeDialect.refineError(invalidTx).code, 'ORDER_INVALID');
        assert.equal(oceanNodeDialect.refineError(await serverError(400, JSON.stringify('Missing transferTxId'))).code, 'ORDER_INVALID');
      });

      it('leaves other errors as they are (the same object)', async function () {
        for (const [file, note] of [
          ['f-errors', /^free start signed by a different key/],
          ['d-paid-compute-escrow', /^paid start by a consumer with NO escrow/],
          ['c2-container-failures', /^c5 free start: image tag does not exist/],
          ['f-errors', /^result without index/],
        ] as const) {
          const original = await recordedError(file, note);
          assert.equal(oceanNodeDialect.refineError(original), original, `${file} ${note}`);
        }
      });

      it('knows a nonce refusal from other 401s', async function () {
        assert.equal(oceanNodeDialect.isNonceRejection(await recordedError('f-errors', /^same request again: reused \(equal\) nonce/)), true);
        assert.equal(oceanNodeDialect.isNonceRejection(await recordedError('f-errors', /^result with a lower nonce than the stored one/)), true);
        assert.equal(oceanNodeDialect.isNonceRejection(await recordedError('f-errors', /^free start signed by a different key/)), false);
        assert.equal(oceanNodeDialect.isNonceRejection(await recordedError('e-auth-token', /^free start with Authorization: Bearer/)), false);
        const notAuth = await serverError(400, JSON.stringify('nonce: 1 is not a valid nonce'));
        assert.equal(oceanNodeDialect.isNonceRejection(notAuth), false, 'only an AUTH_REJECTED answer');
      });

      it('reads the recorded nonce answers', function () {
        assert.equal(oceanNodeDialect.parseNonce(exchange('a-discovery', /^nonce of an address never seen/).response.body), 0n);
        assert.equal(oceanNodeDialect.parseNonce(exchange('f-errors', /^stored nonce after the timestamp nonce/).response.body), 1_795_571_944_506n);
        assert.equal(providerV2Dialect.parseNonce({ nonce: 1 }), 1n);
        assert.equal(providerV2Dialect.parseNonce({ nonce: '2.5' }), 3n, 'decimals round up as in ocean.py');
        assert.throws(() => oceanNodeDialect.parseNonce({ nonce: 'x' }), (error: unknown) => error instanceof OceanError && error.code === 'BAD_RESPONSE');
        assert.throws(() => oceanNodeDialect.parseNonce({}), (error: unknown) => error instanceof OceanError && error.code === 'BAD_RESPONSE');
      });
    });
  });

  describe('Provider v2', function () {
    const start: StartJobRequest = {
      environment: 'ocean-compute',
      datasets: [datasetA, datasetB],
      algorithm: publishedAlgorithm,
      algocustomdata: { threshold: 3 },
    };

    it('start: computeStart, signed over address + main dataset DID + nonce, nonce as a number', function () {
      const plan = providerV2Dialect.startPlan(ADDRESS, start);
      assert.equal(plan.endpoint, 'computeStart');
      assert.equal(plan.placement, 'body');
      assert.equal(plan.nonceAsNumber, true);
      assert.equal(plan.idempotent, undefined);
      assert.equal(plan.message(ADDRESS, '1700000000123'), `${ADDRESS}${DID_A}1700000000123`);
    });

    it('start body: dataset, additionalDatasets (never additionalInputs), algorithm with its custom data', function () {
      const body = providerV2Dialect.startPlan(ADDRESS, start).body!;
      assert.deepEqual(body, {
        dataset: { documentId: DID_A, serviceId: 'compute-1', transferTxId: TX_A, userdata: { rows: 10 } },
        additionalDatasets: [{ documentId: DID_B, serviceId: 'compute-2', transferTxId: TX_B }],
        algorithm: { documentId: ALGO_DID, serviceId: 'algo-access', transferTxId: TX_ALGO, algocustomdata: { threshold: 3 } },
        environment: 'ocean-compute',
        consumerAddress: ADDRESS,
      });
      assert.ok(!('additionalInputs' in body));
      assert.ok(!('datasets' in body));
    });

    it('one dataset: an empty additionalDatasets', function () {
      const body = providerV2Dialect.startPlan(ADDRESS, { ...start, datasets: [datasetB], algocustomdata: undefined }).body!;
      assert.deepEqual(body.additionalDatasets, []);
      assert.deepEqual(body.algorithm, { documentId: ALGO_DID, serviceId: 'algo-access', transferTxId: TX_ALGO });
      assert.ok(!('additionalInputs' in body));
    });

    it('a raw algorithm goes as meta', function () {
      const meta = { rawcode: 'print(42)', language: 'python', container: CONTAINER };
      const body = providerV2Dialect.startPlan(ADDRESS, { ...start, algorithm: { meta }, algocustomdata: undefined }).body!;
      assert.deepEqual(body.algorithm, { meta });
    });

    it('stop: computeStop, signed over address + jobId + DID + nonce, in the query', function () {
      const plan = providerV2Dialect.stopPlan({ consumerAddress: ADDRESS, jobId: V2_JOB_ID, did: DID_A });
      assert.equal(plan.endpoint, 'computeStop');
      assert.equal(plan.placement, 'query');
      assert.deepEqual(plan.query, { consumerAddress: ADDRESS, jobId: V2_JOB_ID, documentId: DID_A });
      assert.equal(plan.idempotent, true);
      assert.equal(plan.message(ADDRESS, '5'), `${ADDRESS}${V2_JOB_ID}${DID_A}5`);
      const noDid = providerV2Dialect.stopPlan({ consumerAddress: ADDRESS, jobId: V2_JOB_ID });
      assert.equal(noDid.message(ADDRESS, '5'), `${ADDRESS}${V2_JOB_ID}5`, 'a missing DID is the empty string');
    });

    it('result: computeResult, signed over address + jobId + index + nonce, in the query', function () {
      const plan = providerV2Dialect.resultPlan({ consumerAddress: ADDRESS, jobId: V2_JOB_ID, did: DID_A }, 2);
      assert.equal(plan.endpoint, 'computeResult');
      assert.equal(plan.placement, 'query');
      assert.deepEqual(plan.query, { jobId: V2_JOB_ID, index: 2, consumerAddress: ADDRESS });
      assert.equal(plan.message(ADDRESS, '9'), `${ADDRESS}${V2_JOB_ID}29`);
      assert.equal(providerV2Dialect.resultPlan({ consumerAddress: ADDRESS, jobId: V2_JOB_ID }, 0).message(ADDRESS, '10'), `${ADDRESS}${V2_JOB_ID}010`);
    });

    it('status: unsigned, with documentId', function () {
      const plan = providerV2Dialect.statusPlan({ consumerAddress: ADDRESS, jobId: V2_JOB_ID, did: DID_A });
      assert.equal(plan.endpoint, 'computeStatus');
      assert.deepEqual(plan.query, { consumerAddress: ADDRESS, jobId: V2_JOB_ID, documentId: DID_A });
      assert.ok(!('message' in plan));
    });

    it('has no auth tokens', function () {
      assert.equal(providerV2Dialect.tokenEndpoint, undefined);
      assert.equal(providerV2Dialect.tokenPlan, undefined);
    });

    describe('validateStart', function () {
      it('takes ordered published datasets and an ordered algorithm', function () {
        assert.doesNotThrow(() => providerV2Dialect.validateStart(start));
        assert.doesNotThrow(() => providerV2Dialect.validateStart({ ...start, algorithm: { meta: { rawcode: 'x', container: CONTAINER } }, algocustomdata: undefined }));
      });

      it('needs a dataset', function () {
        assertFieldError(() => providerV2Dialect.validateStart({ ...start, datasets: [] }), 'datasets', /at least one published dataset/);
      });

      it('takes no URL dataset', function () {
        const url = { fileObject: { type: 'url' as const, url: 'http://127.0.0.1:8099/data.csv', method: 'get' } };
        assertFieldError(() => providerV2Dialect.validateStart({ ...start, datasets: [url] }), 'datasets[0]', /takes no URL files/);
        assertFieldError(() => providerV2Dialect.validateStart({ ...start, datasets: [datasetA, url] }), 'datasets[1]');
      });

      it('leaves unpaid datasets to the client, which orders them', function () {
        assert.doesNotThrow(() => providerV2Dialect.validateStart({ ...start, datasets: [{ did: DID_A, serviceId: 'compute-1' }] }));
        assert.doesNotThrow(() => providerV2Dialect.validateStart({ ...start, datasets: [datasetA, { did: DID_B, serviceId: 'c' }] }));
      });

      it('needs a sha256 image checksum on a raw algorithm', function () {
        const noChecksum: AlgorithmContainer = { entrypoint: CONTAINER.entrypoint, image: CONTAINER.image, tag: CONTAINER.tag };
        const withContainer = (container: AlgorithmContainer): StartJobRequest => ({
          ...start,
          algocustomdata: undefined,
          algorithm: { meta: { rawcode: 'x', container } },
        });
        assertFieldError(() => providerV2Dialect.validateStart(withContainer(noChecksum)), 'algorithm.meta.container.checksum', /sha256/);
        assertFieldError(() => providerV2Dialect.validateStart(withContainer({ ...CONTAINER, checksum: `md5:${'d'.repeat(32)}` })), 'algorithm.meta.container.checksum', /got "md5:/);
        assertFieldError(() => providerV2Dialect.validateStart(withContainer({ ...CONTAINER, checksum: '' })), 'algorithm.meta.container.checksum');
      });

      it('leaves an unpaid published algorithm to the client, which orders it', function () {
        assert.doesNotThrow(() => providerV2Dialect.validateStart({ ...start, algorithm: { did: ALGO_DID, serviceId: 'a' } }));
      });
    });

    describe('errors', function () {
      const cases: Array<[number, unknown, OceanErrorCode]> = [
        [400, { error: { dataset: 'order_invalid' } }, 'ORDER_INVALID'],
        [400, { error: { 'datasets[1].transferTxId': 'order_invalid' } }, 'ORDER_INVALID'],
        [400, { error: { algorithm: 'in_use_or_not_on_chain' } }, 'ORDER_INVALID'],
        [400, { error: { order: 'fees_not_paid' } }, 'ORDER_INVALID'],
        [400, { error: { dataset: `Error: Access to asset ${DID_A} was denied with code: ConsumableCodes.CREDENTIAL_NOT_IN_ALLOW_LIST.` } }, 'NOT_CONSUMABLE'],
        [400, { error: { dataset: 'Asset is not consumable.' } }, 'NOT_CONSUMABLE'],
        [400, { error: { 'algorithm.credentials': 'Asset malformed or disabled.' } }, 'NOT_CONSUMABLE'],
        [404, { error: 'No such index 5 in this compute job' }, 'RESULT_NOT_READY'],
        [404, { error: `No results for job ${V2_JOB_ID}` }, 'RESULT_NOT_READY'],
        [404, { error: `Owner ${ADDRESS} mismatch for job ${V2_JOB_ID}` }, 'ACCESS_DENIED'],
      ];

      it('maps the Provider messages to precise codes', async function () {
        for (const [status, body, code] of cases) {
          const original = await serverError(status, JSON.stringify(body));
          const refined = providerV2Dialect.refineError(original);
          assert.equal(refined.code, code, JSON.stringify(body));
          assert.equal(refined.message, original.message);
          assert.equal(refined.httpStatus, status);
        }
      });

      it('leaves other errors as they are', async function () {
        for (const body of [{ error: { 'algorithm.container': 'checksum_prefix' } }, { error: 'Environment invalid or does not exist' }]) {
          const original = await serverError(400, JSON.stringify(body));
          assert.equal(providerV2Dialect.refineError(original), original);
        }
        const nodeMessage = await recordedError('f-errors', /^result for an unknown jobId/);
        assert.equal(providerV2Dialect.refineError(nodeMessage), nodeMessage, 'Ocean Node texts mean nothing to the v2 dialect');
      });

      it('knows a nonce refusal in a flask-sieve validation error', async function () {
        const body = { message: 'Validation error', errors: { signature: ['Invalid signature expected nonce (5) > current nonce (3).'] }, success: false };
        const error = await serverError(400, JSON.stringify(body));
        assert.equal(error.code, 'AUTH_REJECTED', 'a signature error of flask-sieve is an auth refusal');
        assert.equal(providerV2Dialect.isNonceRejection(error), true);
        const signatureOnly = { message: 'Validation error', errors: { signature: ['Invalid signature provided.'] }, success: false };
        const other = await serverError(400, JSON.stringify(signatureOnly));
        assert.equal(other.code, 'AUTH_REJECTED');
        assert.equal(providerV2Dialect.isNonceRejection(other), false);
        const notAuth = await serverError(400, JSON.stringify({ error: 'Invalid signature expected nonce (5) > current nonce (3).' }));
        assert.equal(notAuth.code, 'REQUEST_REJECTED');
        assert.equal(providerV2Dialect.isNonceRejection(notAuth), false, 'only an AUTH_REJECTED answer');
      });
    });
  });

  it('both dialects sign different messages for the same call', function () {
    const dialects: Dialect[] = [oceanNodeDialect, providerV2Dialect];
    const messages = dialects.map((d) => d.resultPlan({ consumerAddress: ADDRESS, jobId: JOB_ID }, 1).message(ADDRESS, '4'));
    assert.deepEqual(messages, [`${ADDRESS}4getComputeResult`, `${ADDRESS}${JOB_ID}14`]);
  });
});
