import assert from 'node:assert/strict';
import { DEFAULT_ENVIRONMENTS, oceanNodeEnvironmentId, startSandbox, type Sandbox } from '../../sandbox';
import { serveFiles } from '../helpers/file-server';
import { isFinalStatus, isStatusPoll, replayRecording } from '../helpers/replay';

/** The recorded node's one environment: 2 CPUs, a free tier of 1 CPU and 120 s. */
const RECORDED_LIKE = DEFAULT_ENVIRONMENTS[0]!;
const environment = oceanNodeEnvironmentId(RECORDED_LIKE);
/** Polls that only waited for a job are timing, not behaviour: the final ones are compared. */
const waitingPoll = (e: Parameters<typeof isStatusPoll>[0]): boolean => isStatusPoll(e) && !isFinalStatus(e);

describe('sandbox replays recorded Ocean Node exchanges', function () {
  let sandbox: Sandbox;

  beforeEach(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: [RECORDED_LIKE], images: ['127.0.0.1:5000/feas/busybox:1'] });
  });

  afterEach(async function () {
    await sandbox.close();
  });

  it('f-errors: signature, nonce and parameter errors, unknown ids, limits, malformed JSON', async function () {
    this.timeout(60_000);
    const compared = await replayRecording('f-errors', sandbox, {
      sandboxEnvironment: environment,
      // Each recorded start and result came after the jobs before it had ended.
      settleBefore: (e) => /freeCompute|computeResult/.test(e.request.path),
    });
    assert.ok(compared >= 40, `compared ${compared} exchanges`);
  });

  it('e-auth-token: tokens for start, stop and result; Bearer, garbage, expired and revoked tokens', async function () {
    this.timeout(60_000);
    const compared = await replayRecording('e-auth-token', sandbox, {
      sandboxEnvironment: environment,
      skip: waitingPoll,
      settleBefore: isFinalStatus,
      // The short-lived token was made to last 3 s.
      waitBefore: (e) => (/after validUntil passed/.test(e.note) ? 3100 : 0),
      // The recorded stop came once the algorithm had written its line.
      outputBefore: (e) => /^stop with Authorization token/.test(e.note),
    });
    assert.ok(compared >= 20, `compared ${compared} exchanges`);
  });

  it('b: free job lifecycle with a URL dataset, a second job, status of all jobs, all four results', async function () {
    this.timeout(60_000);
    // The recorded URL dataset (its bytes are in the recorded outputs.tar), served on loopback.
    const files = await serveFiles({ '/data.csv': 'a,b\n1,2\n3,4\n' });
    const compared = await replayRecording('b-free-compute-lifecycle', sandbox, {
      sandboxEnvironment: environment,
      substitutions: { 'http://127.0.0.1:8099/data.csv': files.url('/data.csv') },
      skip: waitingPoll,
      settleBefore: (e) => isFinalStatus(e) || /computeResult/.test(e.request.path),
      // The algorithm prints the date and lists /data: dates, owners and modes are the host's.
      hostLines: /^(algorithm start |[dl-][rwx-]{9}\s)/,
    });
    await files.close();
    assert.ok(compared >= 9, `compared ${compared} exchanges`);
  });

  it('c: exit code 3, stop while running, a second stop, results before and while running', async function () {
    this.timeout(60_000);
    const compared = await replayRecording('c-failures-stop-early-results', sandbox, {
      sandboxEnvironment: environment,
      skip: waitingPoll,
      settleBefore: (e) => isFinalStatus(e) || /of the failed job|of the stopped job|already (finished|stopped)|after the job finished/.test(e.note),
      // The recorded stop came once the algorithm had printed "started": its log kept that line.
      outputBefore: (e) => /stop while status is 40/.test(e.note),
      // The real node had pulled the image a moment after the start (image.log shown), and showed configuration.log while running.
      resultsBefore: (e) => (/requested right after start/.test(e.note) ? 1 : /while status 40/.test(e.note) ? 2 : 0),
    });
    assert.ok(compared >= 20, `compared ${compared} exchanges`);
  });

  it('c2: a container that cannot start (41, three results) and an image tag the registry lacks', async function () {
    this.timeout(60_000);
    const compared = await replayRecording('c2-container-failures', sandbox, {
      sandboxEnvironment: environment,
      skip: waitingPoll,
      settleBefore: (e) => isFinalStatus(e) || /computeResult/.test(e.request.path),
      // Recorded after recording c, on the same node: the consumer had used nonces up to 17.
      storedNonces: { '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65': 17n },
    });
    assert.ok(compared >= 6, `compared ${compared} exchanges`);
  });
});
