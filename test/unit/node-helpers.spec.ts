import assert from 'node:assert/strict';
import type { Node, NodeMessage, NodeStatus } from 'node-red';
import { FollowStatus } from '../../src/nodes/lib/follow-status';
import { InFlight } from '../../src/nodes/lib/in-flight';
import { jobDid, readJobId } from '../../src/nodes/lib/job-id';
import { jobMessage } from '../../src/nodes/lib/job-message';
import { readLiveLogOptions } from '../../src/nodes/lib/live-log-options';
import { NodeError, errorForMessage, reportFailure, reportLater, toNodeError } from '../../src/nodes/lib/node-error';
import { safeName } from '../../src/nodes/lib/safe-name';
import { followSnapshot } from '../../src/nodes/lib/snapshot';
import { evaluateTypedInput } from '../../src/nodes/lib/typed-input';
import { status } from '../../src/nodes/lib/status';
import type { ComputeJob, OceanClient } from '../../src/ocean';
import { OceanError } from '../../src/ocean/errors';
import { failure } from '../helpers/failure';
import { RED_UTIL } from '../helpers/red-util';

const RED = RED_UTIL;

/** A node that records its status dots, errors and sends. */
function recordingNode(): Node & { dots: NodeStatus[]; errors: Array<[unknown, unknown]>; sent: unknown[] } {
  const dots: NodeStatus[] = [];
  const errors: Array<[unknown, unknown]> = [];
  const sent: unknown[] = [];
  return {
    dots,
    errors,
    sent,
    status: (dot: NodeStatus) => dots.push(dot),
    error: (error: unknown, msg: unknown) => errors.push([error, msg]),
    send: (msg: unknown) => sent.push(msg),
  } as unknown as Node & { dots: NodeStatus[]; errors: Array<[unknown, unknown]>; sent: unknown[] };
}


describe('readJobId and jobDid: the job a message is about', function () {
  const node = {} as Node;
  it('reads msg.jobId through the field (trimmed), or the property the user chose', async function () {
    assert.equal(await readJobId(RED, node, { jobId: ' j-1 ' } as NodeMessage, { jobId: 'jobId', jobIdType: 'msg' }), 'j-1');
    assert.equal(await readJobId(RED, node, { payload: { id: 'j-2' } } as NodeMessage, { jobId: 'payload.id', jobIdType: 'msg' }), 'j-2');
    assert.equal(await readJobId(RED, node, {} as NodeMessage, { jobId: 'typed-in', jobIdType: 'str' }), 'typed-in');
  });

  it('refuses a missing, blank or non-text job id, naming where it looked', async function () {
    const missing = await failure(readJobId(RED, node, {} as NodeMessage, { jobId: 'jobId', jobIdType: 'msg' }));
    assert.equal(missing.message, 'jobId: expected a job id (compute-start sends it as msg.jobId)');
    assert.equal((await failure(readJobId(RED, node, { jobId: '   ' } as NodeMessage, { jobId: 'jobId', jobIdType: 'msg' }))).details?.field, 'jobId');
    assert.equal((await failure(readJobId(RED, node, { jobId: null } as unknown as NodeMessage, { jobId: 'jobId', jobIdType: 'msg' }))).details?.field, 'jobId');
    const numeric = await failure(readJobId(RED, node, { jobId: 7 } as unknown as NodeMessage, { jobId: 'jobId', jobIdType: 'msg' }));
    assert.equal(numeric.message, 'msg.jobId: expected the job id compute-start sent as msg.jobId, got 7');
  });

  it('jobDid: the DID compute-start left on msg.ocean, text only', function () {
    assert.equal(jobDid({ ocean: { did: 'did:op:1' } } as unknown as NodeMessage), 'did:op:1');
    assert.equal(jobDid({ ocean: { did: 5 } } as unknown as NodeMessage), undefined);
    assert.equal(jobDid({} as NodeMessage), undefined);
  });
});

describe('safeName: result file names that stay in their folder', function () {
  it('keeps the last path part, replaces other characters, and never starts with a dot', function () {
    assert.equal(safeName('outputs/result.csv'), 'result.csv');
    assert.equal(safeName('..\\..\\windows\\evil.exe'), 'evil.exe');
    assert.equal(safeName('../../etc/passwd'), 'passwd');
    assert.equal(safeName('..'), '_');
    assert.equal(safeName('.hidden'), '_hidden');
    assert.equal(safeName('...x'), '_x');
    assert.equal(safeName('a b:c*d?.txt'), 'a_b_c_d_.txt');
    assert.equal(safeName('ümlaut-ok_1.txt'), '_mlaut-ok_1.txt');
    assert.equal(safeName(''), 'result');
    assert.equal(safeName('dir/'), 'dir');
    assert.equal(safeName('x'.repeat(300)).length, 200);
  });
});

describe('followSnapshot: the message kept with a followed job', function () {
  it('keeps the flow’s properties, drops req/res and buffers, and the payload when it is the job itself', function () {
    const msg = { _msgid: 'm1', topic: 't', jobId: 'j', payload: { jobId: 'j', big: 'x' }, req: { socket: 1 }, res: { end: 1 }, blob: Buffer.from('abc'), bytes: new Uint8Array(3), n: 1 } as unknown as NodeMessage;
    assert.deepEqual(followSnapshot(msg, 'j'), { _msgid: 'm1', topic: 't', jobId: 'j', n: 1 });
    assert.deepEqual(followSnapshot({ payload: { jobId: 'other' } } as NodeMessage, 'j'), { payload: { jobId: 'other' } });
    assert.deepEqual(followSnapshot({ payload: 'text' } as NodeMessage, 'j'), { payload: 'text' });
    assert.deepEqual(followSnapshot({ payload: null } as NodeMessage, 'j'), { payload: null });
    assert.ok('req' in msg, 'the message itself is left as it was');
  });

  it('keeps only the ids, topic and msg.ocean of a message over 64 KiB or one that cannot be JSON', function () {
    const big = { _msgid: 'm', topic: 't', jobId: 'j', ocean: { did: 'd' }, payload: 'x'.repeat(64 * 1024) } as unknown as NodeMessage;
    assert.deepEqual(followSnapshot(big, 'j'), { _msgid: 'm', topic: 't', jobId: 'j', ocean: { did: 'd' } });
    const fits = { payload: 'x'.repeat(64 * 1024 - '{"payload":""}'.length) } as NodeMessage;
    assert.deepEqual(followSnapshot(fits, 'j'), fits);
    const circular: Record<string, unknown> = { _msgid: 'c', topic: 'loop' };
    circular.self = circular;
    assert.deepEqual(followSnapshot(circular as NodeMessage, 'j'), { _msgid: 'c', topic: 'loop' });
  });
});

describe('status dots and InFlight', function () {
  it('sets the dot of each state, a failure by its code in words', function () {
    const node = recordingNode();
    status.working(node, 'a');
    status.waiting(node, 'b');
    status.done(node, 'c');
    status.failed(node, new OceanError('RATE_LIMITED', 'x'));
    status.failed(node, new Error('x'));
    status.clear(node);
    assert.deepEqual(node.dots, [
      { fill: 'blue', shape: 'ring', text: 'a' },
      { fill: 'yellow', shape: 'ring', text: 'b' },
      { fill: 'green', shape: 'dot', text: 'c' },
      { fill: 'red', shape: 'ring', text: 'rate limited' },
      { fill: 'red', shape: 'ring', text: 'error' },
      {},
    ]);
  });

  it('counts requests in flight and shows the last outcome once all are done', function () {
    const node = recordingNode();
    const flight = new InFlight(node, 'starting');
    flight.start();
    flight.start();
    flight.succeeded('started');
    flight.succeeded('started');
    flight.start();
    flight.failed(new OceanError('TIMEOUT', 't'));
    flight.succeeded('again');
    flight.start();
    flight.start();
    flight.failed(new OceanError('TIMEOUT', 't'));
    flight.succeeded('both done');
    flight.start();
    flight.start();
    flight.failed(new OceanError('TIMEOUT', 't'));
    flight.start();
    assert.deepEqual(
      node.dots.map((d) => d.text),
      ['starting', 'starting (2)', 'starting (1)', 'started', 'starting', 'timeout', 'again', 'starting', 'starting (2)', 'timeout', 'both done', 'starting', 'starting (2)', 'timeout', 'starting (2)'],
    );
  });
});

describe('FollowStatus: one status update per turn of the event loop', function () {
  it('shows once for many refreshes, again after the turn, and not after cancel', async function () {
    let shown = 0;
    const followStatus = new FollowStatus(() => shown++);
    followStatus.refresh();
    followStatus.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(shown, 1);
    followStatus.refresh();
    followStatus.cancel();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(shown, 1);
    followStatus.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(shown, 2);
  });
});

describe('jobMessage: the incoming message carrying a job', function () {
  const job = { jobId: 'j-9', backend: 'ocean-node', environment: 'env-1' } as ComputeJob;
  const client = { settings: { chainId: 8996 }, address: '0xabc' } as unknown as OceanClient;

  it('sets payload, msg.jobId and msg.ocean over what msg.ocean held, keeping the rest of the message', function () {
    const msg = { topic: 'keep', ocean: { did: 'did:op:1', chainId: 1 } } as unknown as NodeMessage;
    const out = jobMessage(msg, job, client, { did: 'did:op:2' });
    assert.equal(out, msg);
    assert.deepEqual(out, { topic: 'keep', payload: job, jobId: 'j-9', ocean: { did: 'did:op:2', chainId: 8996, backend: 'ocean-node', jobId: 'j-9', environment: 'env-1', consumerAddress: '0xabc' } });
  });

  it('leaves out an unknown environment and address, and ignores a msg.ocean that is not an object', function () {
    const out = jobMessage({ ocean: ['x'] } as unknown as NodeMessage, { ...job, environment: undefined }, { settings: { chainId: 1 } } as unknown as OceanClient);
    assert.deepEqual((out as unknown as { ocean: unknown }).ocean, { backend: 'ocean-node', chainId: 1, jobId: 'j-9' });
    for (const notAnObject of ['xy', 7, null]) {
      const next = jobMessage({ ocean: notAnObject } as unknown as NodeMessage, job, { settings: { chainId: 1 } } as unknown as OceanClient);
      assert.deepEqual((next as unknown as { ocean: unknown }).ocean, { backend: 'ocean-node', chainId: 1, jobId: 'j-9', environment: 'env-1' }, String(notAnObject));
    }
  });
});

describe('evaluateTypedInput: one TypedInput for one message', function () {
  const node = {} as Node;
  it('a blank field is not set, whatever its type; a field without a type is text', async function () {
    assert.equal(await evaluateTypedInput(RED, node, {} as NodeMessage, { value: '', type: 'num' }), undefined);
    assert.equal(await evaluateTypedInput(RED, node, {} as NodeMessage, { value: undefined, type: 'str' }), undefined);
    assert.equal(await evaluateTypedInput(RED, node, {} as NodeMessage, { value: '12', type: undefined }), '12');
    assert.equal(await evaluateTypedInput(RED, node, { payload: 3 } as NodeMessage, { value: 'payload * 2', type: 'jsonata' }), 6);
  });

  it('refuses an expression that fails for this message', async function () {
    await assert.rejects(evaluateTypedInput(RED, node, {} as NodeMessage, { value: '$notAFunction()', type: 'jsonata' }));
    await assert.rejects(evaluateTypedInput(RED, node, {} as NodeMessage, { value: '$error("bad")', type: 'jsonata' }));
  });
});

describe('readLiveLogOptions: the live log a follow asks for', function () {
  const node = {} as Node;
  it('is off unless ticked; 20 lines per second by default; 1 to 1000 whole lines', async function () {
    assert.equal(await readLiveLogOptions(RED, node, {} as NodeMessage, {}), undefined);
    assert.equal(await readLiveLogOptions(RED, node, {} as NodeMessage, { logs: false, logRate: '5' }), undefined);
    assert.deepEqual(await readLiveLogOptions(RED, node, {} as NodeMessage, { logs: true }), { rate: 20 });
    assert.deepEqual(await readLiveLogOptions(RED, node, {} as NodeMessage, { logs: true, logRate: '1' }), { rate: 1 });
    assert.deepEqual(await readLiveLogOptions(RED, node, {} as NodeMessage, { logs: true, logRate: '1000' }), { rate: 1000 });
    for (const bad of ['0', '1001', '2.5']) {
      const error = await failure(readLiveLogOptions(RED, node, {} as NodeMessage, { logs: true, logRate: bad }));
      assert.equal(error.message, `logRate: expected a whole number of lines per second from 1 to 1000, got ${Number(bad)}`);
    }
  });
});

describe('node errors: what Catch nodes and error outputs get', function () {
  it('carries the typed error as plain JSON in cause, its message as toString', function () {
    const error = toNodeError(new OceanError('NOT_FOUND', 'no job', { httpStatus: 404, jobId: 'j' }));
    assert.ok(error instanceof NodeError);
    assert.equal(error.name, 'OceanError');
    assert.equal(error.code, 'NOT_FOUND');
    assert.equal(String(error), 'no job');
    assert.deepEqual(error.cause, { code: 'NOT_FOUND', message: 'no job', retryable: false, httpStatus: 404, jobId: 'j' });
    assert.equal(toNodeError(error), error);
  });

  it('turns anything else into INVALID_INPUT with its message', function () {
    assert.deepEqual(errorForMessage(new TypeError('bad thing')), { message: 'bad thing', code: 'INVALID_INPUT', cause: { code: 'INVALID_INPUT', message: 'bad thing', retryable: false } });
    assert.equal(toNodeError('plain text').message, 'plain text');
  });

  it('reportFailure: to done(err) by default, else the message on the last output with msg.error, then done()', function () {
    const calls: unknown[] = [];
    const failure = new OceanError('TIMEOUT', 'slow');
    reportFailure({ outputCount: 2 }, { payload: 1 } as NodeMessage, failure, (m) => calls.push(['send', m]), (e) => calls.push(['done', e]));
    assert.equal(calls.length, 1);
    assert.ok((calls[0] as unknown[])[1] instanceof NodeError);
    calls.length = 0;
    const msg = { payload: 1 } as NodeMessage;
    reportFailure({ errorOutput: true, outputCount: 3 }, msg, failure, (m) => calls.push(['send', m]), (e) => calls.push(['done', e]));
    assert.deepEqual(calls, [['send', [null, null, msg]], ['done', undefined]]);
    assert.deepEqual((msg as unknown as { error: unknown }).error, { message: 'slow', code: 'TIMEOUT', cause: { code: 'TIMEOUT', message: 'slow', retryable: true } });
  });

  it('reportLater: node.error with the message by default, else a send on the last output', function () {
    const node = recordingNode();
    const msg = { topic: 'x' } as NodeMessage;
    reportLater(node, { outputCount: 2 }, msg, new OceanError('TIMEOUT', 'slow'));
    assert.equal(node.errors.length, 1);
    assert.ok(node.errors[0]![0] instanceof NodeError);
    assert.equal(node.errors[0]![1], msg);
    assert.equal(node.sent.length, 0);
    reportLater(node, { errorOutput: true, outputCount: 2 }, msg, new OceanError('TIMEOUT', 'slow'));
    assert.deepEqual(node.sent, [[null, msg]]);
    assert.equal((msg as unknown as { error: { code: string } }).error.code, 'TIMEOUT');
  });
});
