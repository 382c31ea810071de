import assert from 'node:assert/strict';
import { OceanError } from '../../src/ocean/errors';
import { retryRateLimited, sleep } from '../../src/ocean/rate-limit-wait';
import { failure } from '../helpers/failure';

const rateLimited = (retryAfterMs?: number): OceanError => new OceanError('RATE_LIMITED', 'Too many requests', { httpStatus: 429, retryAfterMs });

/** A call that fails with each error in turn, then answers 'done'; counts its calls. */
function scripted(...errors: Error[]): { call: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    call: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return 'done';
    },
    calls: () => calls,
  };
}

/** A sleep that records what it was asked and the signal it was given, and returns at once. */
function recordingSleep(): { sleep: (ms: number, signal: AbortSignal) => Promise<void>; asked: number[]; signals: AbortSignal[] } {
  const asked: number[] = [];
  const signals: AbortSignal[] = [];
  return {
    asked,
    signals,
    sleep: async (ms, signal) => {
      asked.push(ms);
      signals.push(signal);
    },
  };
}

describe('retryRateLimited: calls refused with 429 are sent again after the wait the answer asks for', function () {
  it('waits each asked time, tells the hook first, and answers what the call finally answers', async function () {
    const { call, calls } = scripted(rateLimited(300), rateLimited(1200));
    const waits = recordingSleep();
    const told: number[] = [];
    const answer = await retryRateLimited(call, { sleep: waits.sleep }, new AbortController().signal, { onWait: (ms) => told.push(ms) });
    assert.equal(answer, 'done');
    assert.equal(calls(), 3);
    assert.deepEqual(waits.asked, [300, 1200]);
    assert.deepEqual(told, [300, 1200]);
  });

  it('waits at least 1 ms when the answer asks for none', async function () {
    const waits = recordingSleep();
    await retryRateLimited(scripted(rateLimited(0)).call, { sleep: waits.sleep }, new AbortController().signal);
    assert.deepEqual(waits.asked, [1]);
  });

  it('passes any other failure on at once: another code, a 429 without a wait, a plain error', async function () {
    for (const error of [new OceanError('SERVER_ERROR', 'boom', { retryAfterMs: 10 }), rateLimited(undefined), new Error('plain')]) {
      const { call, calls } = scripted(error);
      const waits = recordingSleep();
      await assert.rejects(retryRateLimited(call, { sleep: waits.sleep }, new AbortController().signal), (thrown) => thrown === error);
      assert.equal(calls(), 1);
      assert.deepEqual(waits.asked, []);
    }
  });

  it('reports RATE_LIMITED once the waits would pass the total allowed, without that last wait', async function () {
    const last = rateLimited(401);
    const { call, calls } = scripted(rateLimited(300), rateLimited(300), last);
    const waits = recordingSleep();
    const told: number[] = [];
    await assert.rejects(retryRateLimited(call, { sleep: waits.sleep, maxTotalMs: 1000 }, new AbortController().signal, { onWait: (ms) => told.push(ms) }), (thrown) => thrown === last);
    assert.equal(calls(), 3);
    assert.deepEqual(waits.asked, [300, 300]);
    assert.deepEqual(told, [300, 300]);
  });

  it('allows waits that add up to the total exactly', async function () {
    const waits = recordingSleep();
    const answer = await retryRateLimited(scripted(rateLimited(600), rateLimited(400)).call, { sleep: waits.sleep, maxTotalMs: 1000 }, new AbortController().signal);
    assert.equal(answer, 'done');
    assert.deepEqual(waits.asked, [600, 400]);
  });

  it('allows 90 s of waiting in all by default', async function () {
    const waits = recordingSleep();
    await retryRateLimited(scripted(rateLimited(60_000), rateLimited(30_000)).call, { sleep: waits.sleep }, new AbortController().signal);
    assert.deepEqual(waits.asked, [60_000, 30_000]);
    const over = rateLimited(30_001);
    await assert.rejects(retryRateLimited(scripted(rateLimited(60_000), over).call, { sleep: recordingSleep().sleep }, new AbortController().signal), (thrown) => thrown === over);
  });

  it("waits on the connection's signal alone when the caller gives none", async function () {
    const closing = new AbortController();
    const waits = recordingSleep();
    await retryRateLimited(scripted(rateLimited(5)).call, { sleep: waits.sleep }, closing.signal);
    assert.equal(waits.signals[0], closing.signal);
  });

  it("cuts the wait short when either the connection closes or the caller's signal aborts, and unhooks afterwards", async function () {
    for (const which of ['closing', 'caller'] as const) {
      const closing = new AbortController();
      const caller = new AbortController();
      const { call, calls } = scripted(rateLimited(60_000));
      const pending = retryRateLimited(call, {}, closing.signal, { signal: caller.signal });
      await new Promise((resolve) => setImmediate(resolve));
      (which === 'closing' ? closing : caller).abort();
      const error = await failure(pending);
      assert.equal(error.code, 'ABORTED', which);
      assert.equal(calls(), 1);
    }
  });

  it('does not wait at all when the caller has already given up', async function () {
    const caller = new AbortController();
    caller.abort();
    // A wait that started would outlast the test's timeout.
    const error = await failure(retryRateLimited(scripted(rateLimited(60_000)).call, {}, new AbortController().signal, { signal: caller.signal }));
    assert.equal(error.code, 'ABORTED');
  });

  it('leaves no listener on either signal once the call has answered', async function () {
    const closing = new AbortController();
    const caller = new AbortController();
    const added: string[] = [];
    const removed: string[] = [];
    for (const [name, signal] of [['closing', closing.signal], ['caller', caller.signal]] as const) {
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
        added.push(`${name}:${type}`);
        add(type, listener, options);
      }) as typeof signal.addEventListener;
      signal.removeEventListener = ((type: string, listener: EventListener) => {
        removed.push(`${name}:${type}`);
        remove(type, listener);
      }) as typeof signal.removeEventListener;
    }
    await retryRateLimited(scripted(rateLimited(1), rateLimited(1)).call, {}, closing.signal, { signal: caller.signal });
    assert.deepEqual(added.sort(), ['caller:abort', 'caller:abort', 'closing:abort', 'closing:abort']);
    assert.deepEqual(removed.sort(), added);
  });
});

describe('sleep: the default wait', function () {
  it('resolves after the time and removes its abort listener', async function () {
    const controller = new AbortController();
    const removed: string[] = [];
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.removeEventListener = ((type: string, listener: EventListener) => {
      removed.push(type);
      remove(type, listener);
    }) as typeof controller.signal.removeEventListener;
    const started = Date.now();
    await sleep(30, controller.signal);
    assert.ok(Date.now() - started >= 25);
    assert.deepEqual(removed, ['abort']);
  });

  it('rejects with ABORTED, naming the closed connection, when aborted before or during the wait', async function () {
    const before = new AbortController();
    before.abort();
    const early = await failure(sleep(60_000, before.signal));
    assert.equal(early.code, 'ABORTED');
    assert.equal(early.message, 'The wait was cancelled: the connection was closed');
    const during = new AbortController();
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const pending = sleep(60_000, during.signal);
    during.abort();
    assert.equal(process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length, timersBefore, 'the wait’s timer is cleared');
    const late = await failure(pending);
    assert.equal(late.code, 'ABORTED');
    assert.equal(late.message, 'The wait was cancelled: the connection was closed');
  });

  it('works without a signal', async function () {
    await sleep(1);
  });
});
