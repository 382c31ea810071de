import assert from 'node:assert/strict';
import { oceanNodeDialect } from '../../src/ocean/dialects/ocean-node';
import { providerV2Dialect } from '../../src/ocean/dialects/provider-v2';
import { OceanError } from '../../src/ocean/errors';
import {
  OCEAN_NODE_FAILED,
  PROVIDER_V2_FAILED,
  parseOceanNodeJob,
  parseProviderV2Job,
  prefixedJobId,
  resultKind,
  type ComputeJob,
} from '../../src/ocean/jobs';
import { exchange, recording } from '../helpers/recordings';

const ENVIRONMENT =
  '0xff1004b67de08fc505fbf0a2089010d0f23015338c7def8557697513c4a39935-0x848d46dde475ece3939688741ae1e0b0ff49001c45e7e7156acbe1820a6c68b6';
const CLUSTER = '0xff1004b67de08fc505fbf0a2089010d0f23015338c7def8557697513c4a39935';
const B_JOB = `${CLUSTER}-2bd273082142ce0fddb783cd65da79dd18f1d859019ea27e617253328b07a8a0`;
const C1_JOB = `${CLUSTER}-c82af3696f116c13dab24433736fab03decb0d25668dce4893e0ec197c2ef637`;

/** The jobs of one recorded Ocean Node answer, through the dialect as the client reads them. */
function recordedJobs(file: string, note: RegExp, position = 0): ComputeJob[] {
  const jobs = oceanNodeDialect.parseJobs(exchange(file, note).response.body);
  assert.ok(jobs.length > position, `${file} ${note} has a job at ${position}`);
  return jobs;
}

function recordedJob(file: string, note: RegExp, position = 0): ComputeJob {
  return recordedJobs(file, note, position)[position]!;
}

/** Picks the status poll that shows `status` (several polls share one note). */
function pollWithStatus(file: string, noteStart: RegExp, status: number): ComputeJob {
  const found = recording(file).find((e) => {
    const body = e.response.body;
    return noteStart.test(e.note) && Array.isArray(body) && (body[0] as { status?: unknown } | undefined)?.status === status;
  });
  assert.ok(found, `${file} has a poll with status ${status}`);
  return oceanNodeDialect.parseJobs(found.response.body)[0]!;
}

describe('jobs', function () {
  describe('Ocean Node (recorded)', function () {
    it('reads the start answer: prefixed id kept, running, not done', function () {
      const job = recordedJob('b-free-compute-lifecycle', /^free start: raw-code/);
      assert.equal(job.jobId, B_JOB);
      assert.equal(job.backend, 'ocean-node');
      assert.equal(job.status, 10);
      assert.equal(job.statusText, 'Pulling algorithm image');
      assert.equal(job.done, false);
      assert.equal(job.failed, false);
      assert.equal(job.ok, true);
      assert.equal(job.exitCode, null);
      assert.equal(job.dateFinished, null);
      assert.equal(job.dateCreated, '1795571445.896');
      assert.equal(job.owner, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
      assert.equal(job.environment, ENVIRONMENT);
      assert.equal(job.stopRequested, false);
      assert.deepEqual(job.results, []);
    });

    it('re-prefixes the bare id of a status answer so it equals the id start returned', function () {
      const raw = (exchange('b-free-compute-lifecycle', /^status poll$/).response.body as Array<Record<string, unknown>>)[0]!;
      assert.equal(raw.jobId, '2bd273082142ce0fddb783cd65da79dd18f1d859019ea27e617253328b07a8a0', 'the server drops the prefix');
      const job = parseOceanNodeJob(raw);
      assert.equal(job.jobId, B_JOB);
      assert.equal(job.raw, raw, 'raw keeps the server object itself');
    });

    it('a running job (status 40) is neither done nor failed', function () {
      const job = pollWithStatus('b-free-compute-lifecycle', /^status poll/, 40);
      assert.equal(job.statusText, 'Running algorithm ');
      assert.equal(job.done, false);
      assert.equal(job.failed, false);
      assert.equal(job.ok, true);
      assert.deepEqual(
        job.results.map((r) => [r.index, r.filename, r.filesize, r.type, r.kind]),
        [
          [0, 'image.log', 229, 'imageLog', 'imageLog'],
          [1, 'configuration.log', 549, 'configurationLog', 'configurationLog'],
        ],
      );
    });

    it('publishing (60) is not done yet', function () {
      const job = pollWithStatus('b-free-compute-lifecycle', /^status poll/, 60);
      assert.equal(job.done, false);
      assert.equal(job.failed, false);
    });

    it('a job settling at 71 with exit code 0 is done and ok, with its four results', function () {
      const job = pollWithStatus('b-free-compute-lifecycle', /^status poll/, 71);
      assert.equal(job.jobId, B_JOB);
      assert.equal(job.done, true);
      assert.equal(job.failed, false);
      assert.equal(job.ok, true);
      assert.equal(job.exitCode, 0);
      assert.equal(job.dateFinished, '1795571456.245');
      assert.deepEqual(
        job.results.map((r) => [r.index, r.filename, r.filesize, r.kind]),
        [
          [0, 'image.log', 229, 'imageLog'],
          [1, 'configuration.log', 549, 'configurationLog'],
          [2, 'algorithm.log', 1022, 'algorithmLog'],
          [3, 'outputs.tar', 3584, 'output'],
        ],
      );
    });

    it('lists both jobs of a jobId-less status, each under its prefixed id', function () {
      const jobs = recordedJobs('b-free-compute-lifecycle', /^status WITHOUT jobId while job 2/);
      assert.deepEqual(
        jobs.map((j) => [j.jobId, j.status, j.done]),
        [
          [B_JOB, 71, true],
          [`${CLUSTER}-3c36a8fa4e880f94834d4ea843bc22d3e9348d3a7efb768e44fb5d637a3b5865`, 30, false],
        ],
      );
    });

    it('a job whose algorithm exited with 3 ends at 71 but is failed', function () {
      const job = pollWithStatus('c-failures-stop-early-results', /^status poll/, 71);
      assert.equal(job.jobId, C1_JOB);
      assert.equal(job.status, 71);
      assert.equal(job.exitCode, 3);
      assert.equal(job.done, true);
      assert.equal(job.failed, true);
      assert.equal(job.ok, false);
      assert.deepEqual(
        job.results.map((r) => r.kind),
        ['imageLog', 'configurationLog', 'algorithmLog', 'output'],
      );
    });

    it('a stop on a finished job sets stopRequested and keeps the failure', function () {
      const job = recordedJob('c-failures-stop-early-results', /^c1 stop requested/);
      assert.equal(job.jobId, C1_JOB);
      assert.equal(job.stopRequested, true);
      assert.equal(job.done, true);
      assert.equal(job.failed, true);
    });

    it('a job stopped while running is not done until the node finishes it (killed: exit 137)', function () {
      const stopping = recordedJob('c-failures-stop-early-results', /^c2 stop while status is 40/);
      assert.equal(stopping.stopRequested, true);
      assert.equal(stopping.done, false);
      assert.equal(stopping.failed, false);
      const stopped = recordedJob('c-failures-stop-early-results', /^c2 second stop request/);
      assert.equal(stopped.done, true);
      assert.equal(stopped.exitCode, 137);
      assert.equal(stopped.failed, true);
    });

    it('status 41 (container could not start) is done and failed without an exit code', function () {
      const job = pollWithStatus('c2-container-failures', /^status poll/, 41);
      assert.equal(job.statusText, 'Failed to run algorithm');
      assert.equal(job.exitCode, null);
      assert.equal(job.done, true);
      assert.equal(job.failed, true);
      assert.equal(job.ok, false);
    });

    it('the stored paid job is read like the free ones', function () {
      const job = recordedJob('d-paid-compute-escrow', /^paid start/);
      assert.equal(job.jobId, `${CLUSTER}-c49c03b37c24239377418de8ca32aa5fbc70a7ceb37231ce6f4a550a1dbeb751`);
      assert.equal(job.done, false);
    });

    it('an unknown job answers an empty list', function () {
      assert.deepEqual(oceanNodeDialect.parseJobs(exchange('f-errors', /^status for an unknown jobId/).response.body), []);
    });
  });

  describe('Ocean Node (status table)', function () {
    const base = { jobId: 'abc', environment: ENVIRONMENT, dateFinished: null, terminationDetails: { exitCode: null, OOMKilled: null } };

    it('knows exactly the failure codes of the protocol table', function () {
      assert.deepEqual([...OCEAN_NODE_FAILED].sort((a, b) => a - b), [2, 11, 13, 14, 21, 22, 31, 32, 33, 41, 42, 61, 62]);
    });

    it('every failure code is done and failed, even before dateFinished is set', function () {
      for (const status of OCEAN_NODE_FAILED) {
        const job = parseOceanNodeJob({ ...base, status });
        assert.deepEqual([job.done, job.failed, job.ok], [true, true, false], `status ${status}`);
      }
    });

    it('running and waiting codes are not done', function () {
      for (const status of [0, 1, 10, 12, 20, 30, 40, 50, 60]) {
        const job = parseOceanNodeJob({ ...base, status });
        assert.deepEqual([job.done, job.failed, job.ok], [false, false, true], `status ${status}`);
      }
    });

    it('70 and 71 are done; a non-zero exit or an OOM kill makes them failed', function () {
      assert.deepEqual(pick(parseOceanNodeJob({ ...base, status: 70 })), [true, false, true]);
      assert.deepEqual(pick(parseOceanNodeJob({ ...base, status: 71 })), [true, false, true]);
      assert.deepEqual(pick(parseOceanNodeJob({ ...base, status: 70, terminationDetails: { exitCode: 1, OOMKilled: false } })), [true, true, false]);
      assert.deepEqual(pick(parseOceanNodeJob({ ...base, status: 70, terminationDetails: { exitCode: 0, OOMKilled: true } })), [true, true, false]);
      assert.deepEqual(pick(parseOceanNodeJob({ ...base, status: 70, terminationDetails: { exitCode: '2', OOMKilled: false } })), [true, true, false]);
    });

    it('an exit code on a job that is not done does not fail it yet', function () {
      assert.deepEqual(pick(parseOceanNodeJob({ ...base, status: 40, terminationDetails: { exitCode: 1, OOMKilled: false } })), [false, false, true]);
    });

    it('a dateFinished above 0 means done, "0" and junk do not', function () {
      assert.equal(parseOceanNodeJob({ ...base, status: 60, dateFinished: '1795571456.245' }).done, true);
      assert.equal(parseOceanNodeJob({ ...base, status: 60, dateFinished: '1795571456.245' }).dateFinished, '1795571456.245');
      assert.equal(parseOceanNodeJob({ ...base, status: 60, dateFinished: 1795571456 }).dateFinished, '1795571456');
      assert.equal(parseOceanNodeJob({ ...base, status: 60, dateFinished: '0' }).dateFinished, null);
      assert.equal(parseOceanNodeJob({ ...base, status: 60, dateFinished: '0' }).done, false);
      assert.equal(parseOceanNodeJob({ ...base, status: 60, dateFinished: 'soon' }).dateFinished, null);
      assert.equal(parseOceanNodeJob({ ...base, status: 60, dateFinished: {} }).done, false);
    });

    it('a missing status is not ok and not done', function () {
      const job = parseOceanNodeJob({ jobId: 'x' });
      assert.equal(job.status, null);
      assert.deepEqual(pick(job), [false, false, false]);
      assert.equal(job.statusText, '');
      assert.equal(job.exitCode, null);
    });

    it('reads a numeric status sent as a string', function () {
      assert.equal(parseOceanNodeJob({ ...base, status: '41' }).failed, true);
    });
  });

  describe('job id prefix', function () {
    it('adds the environment cluster hash to a bare id', function () {
      assert.equal(prefixedJobId({ jobId: 'abc', environment: ENVIRONMENT }), `${CLUSTER}-abc`);
    });

    it('keeps an id that already carries it', function () {
      assert.equal(prefixedJobId({ jobId: `${CLUSTER}-abc`, environment: ENVIRONMENT }), `${CLUSTER}-abc`);
    });

    it('leaves the id alone without a usable environment', function () {
      assert.equal(prefixedJobId({ jobId: 'abc' }), 'abc');
      assert.equal(prefixedJobId({ jobId: 'abc', environment: 42 }), 'abc');
      assert.equal(prefixedJobId({ jobId: 'abc', environment: '' }), 'abc');
      assert.equal(prefixedJobId({ jobId: 'abc', environment: '-suffix' }), 'abc');
      assert.equal(prefixedJobId({ environment: ENVIRONMENT }), `${CLUSTER}-`);
    });

    it('uses only the part before the first "-"', function () {
      assert.equal(prefixedJobId({ jobId: 'j', environment: 'h-a-b' }), 'h-j');
    });
  });

  describe('Provider v2 (hand-made, as operator-service answers)', function () {
    const v2 = (fields: Record<string, unknown>): Record<string, unknown> => ({
      agreementId: '0x0123',
      jobId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      owner: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
      status: 1,
      statusText: 'Warming up',
      dateCreated: '1700000000.123456',
      dateFinished: null,
      results: '',
      stopreq: 0,
      removed: 0,
      algoDID: 'raw',
      inputDID: ['did:op:abc'],
      ...fields,
    });

    it('reads a start answer: "" results become [], the id is left as it is', function () {
      const [job] = providerV2Dialect.parseJobs([v2({ environment: 'env-1' })]);
      assert.ok(job);
      assert.equal(job.backend, 'provider-v2');
      assert.equal(job.jobId, '0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'no re-prefixing on v2');
      assert.deepEqual(job.results, []);
      assert.equal(job.status, 1);
      assert.equal(job.statusText, 'Warming up');
      assert.deepEqual(pick(job), [false, false, true]);
      assert.equal(job.stopRequested, false);
      assert.equal(job.owner, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
      assert.equal(job.dateCreated, '1700000000.123456');
      assert.equal(job.dateFinished, null);
      assert.equal(job.exitCode, undefined);
      assert.equal(job.environment, undefined);
    });

    it('knows 31 and 32 as the only failure codes', function () {
      assert.deepEqual([...PROVIDER_V2_FAILED].sort(), [31, 32]);
      for (const status of [31, 32]) {
        const job = parseProviderV2Job(v2({ status }));
        assert.deepEqual(pick(job), [true, true, false], `status ${status}`);
      }
    });

    it('70 is done and ok; codes Ocean Node counts as failures are ok on v2, as in ocean.py', function () {
      assert.deepEqual(pick(parseProviderV2Job(v2({ status: 70, dateFinished: '1700000100.5' }))), [true, false, true]);
      assert.deepEqual(pick(parseProviderV2Job(v2({ status: 70 }))), [true, false, true], '70 is final even without dateFinished');
      for (const status of [1, 10, 20, 30, 40, 41, 50, 60]) {
        assert.deepEqual(pick(parseProviderV2Job(v2({ status }))), [false, false, true], `status ${status}`);
      }
    });

    it('ocean.py ok: false for a missing status', function () {
      const job = parseProviderV2Job(v2({ status: undefined }));
      assert.equal(job.status, null);
      assert.equal(job.ok, false);
      assert.equal(job.failed, false);
      assert.equal(parseProviderV2Job(v2({ status: null })).ok, false);
    });

    it('a dateFinished above 0 ends the job whatever its status', function () {
      const job = parseProviderV2Job(v2({ status: 60, dateFinished: '1700000100.5' }));
      assert.equal(job.done, true);
      assert.equal(job.dateFinished, '1700000100.5');
      assert.equal(parseProviderV2Job(v2({ status: 60, dateFinished: '0' })).done, false);
      assert.equal(parseProviderV2Job(v2({ status: 60, dateFinished: '' })).done, false);
    });

    it('reads stopreq 1 (and "1") as a stop request; 2 (time exceeded) is not one', function () {
      assert.equal(parseProviderV2Job(v2({ stopreq: 1 })).stopRequested, true);
      assert.equal(parseProviderV2Job(v2({ stopreq: '1' })).stopRequested, true);
      assert.equal(parseProviderV2Job(v2({ stopreq: 2 })).stopRequested, false);
    });

    it('numbers results by position and spells "configrationLog" as configurationLog', function () {
      const job = parseProviderV2Job(
        v2({
          status: 70,
          results: [
            { filename: 'out.csv', filesize: 12, type: 'output' },
            { filename: 'algorithm.log', filesize: '40', type: 'algorithmLog' },
            { filename: 'configure.log', filesize: 7, type: 'configrationLog' },
            { filename: 'filter.log', filesize: 1, type: 'filteringLog' },
            { filename: 'publish.log', filesize: 2, type: 'publishLog' },
          ],
        }),
      );
      assert.deepEqual(
        job.results.map((r) => [r.index, r.filename, r.filesize, r.type, r.kind]),
        [
          [0, 'out.csv', 12, 'output', 'output'],
          [1, 'algorithm.log', 40, 'algorithmLog', 'algorithmLog'],
          [2, 'configure.log', 7, 'configrationLog', 'configurationLog'],
          [3, 'filter.log', 1, 'filteringLog', 'filteringLog'],
          [4, 'publish.log', 2, 'publishLog', 'publishLog'],
        ],
      );
    });

    it('fills a missing filename and type, and skips entries that are not objects', function () {
      const job = parseProviderV2Job(v2({ results: ['junk', { filesize: 3 }, null, { index: 7, filename: 'x', type: 'strange' }] }));
      assert.deepEqual(
        job.results.map((r) => [r.index, r.filename, r.filesize, r.type, r.kind]),
        [
          [0, 'result-0', 3, 'output', 'output'],
          [7, 'x', undefined, 'strange', 'other'],
        ],
      );
    });

    it('refuses a body that is not a list of jobs', function () {
      assert.throws(
        () => providerV2Dialect.parseJobs({ jobId: 'x' }),
        (error: unknown) => error instanceof OceanError && error.code === 'BAD_RESPONSE' && /Provider answered a job request/.test(error.message),
      );
      assert.throws(
        () => oceanNodeDialect.parseJobs('Internal Server Error'),
        (error: unknown) => error instanceof OceanError && error.code === 'BAD_RESPONSE' && /Ocean Node answered/.test(error.message),
      );
    });
  });

  describe('result kinds', function () {
    it('maps every spelling, case-insensitively, and anything else to other', function () {
      assert.equal(resultKind('output'), 'output');
      assert.equal(resultKind('algorithmLog'), 'algorithmLog');
      assert.equal(resultKind('configurationLog'), 'configurationLog');
      assert.equal(resultKind('configrationLog'), 'configurationLog');
      assert.equal(resultKind('CONFIGRATIONLOG'), 'configurationLog');
      assert.equal(resultKind('imageLog'), 'imageLog');
      assert.equal(resultKind('filteringLog'), 'filteringLog');
      assert.equal(resultKind('publishLog'), 'publishLog');
      assert.equal(resultKind('streamLog'), 'other');
      assert.equal(resultKind(''), 'other');
      assert.equal(resultKind('constructor'), 'other', 'no prototype keys leak through');
    });
  });
});

function pick(job: ComputeJob): [boolean, boolean, boolean] {
  return [job.done, job.failed, job.ok];
}

describe('job fields read defensively', function () {
  const base = { jobId: 'abc', environment: ENVIRONMENT, status: 70 };

  it('only an output named .tar (any case) is an archive', function () {
    const job = parseOceanNodeJob({
      ...base,
      results: [
        { index: 0, filename: 'outputs.TAR', type: 'output' },
        { index: 1, filename: 'result.json', type: 'output' },
        { index: 2, filename: 'algorithm.tar', type: 'algorithmLog' },
      ],
    });
    assert.deepEqual(
      job.results.map((r) => r.archive),
      [true, false, false],
    );
  });

  it('a dateFinished that is neither text nor a number is no date, even when it would read as one', function () {
    assert.equal(parseOceanNodeJob({ ...base, dateFinished: true }).dateFinished, null);
    assert.equal(parseOceanNodeJob({ ...base, dateFinished: [1795571456] }).dateFinished, null);
  });
});

describe('a Provider v2 job with fields missing', function () {
  it('has an empty id and status text rather than made-up ones', function () {
    const job = parseProviderV2Job({ status: 1, statusText: 5 });
    assert.equal(job.jobId, '');
    assert.equal(job.statusText, '');
  });
});
