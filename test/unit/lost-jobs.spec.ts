import assert from 'node:assert/strict';
import { findLostJobs, registerConnection } from '../../src/nodes/lib/lost-jobs';
import type { ComputeJob, OceanClient } from '../../src/ocean';
import type { JobTracker } from '../../src/tracker';

const job = (jobId: string, done = false): ComputeJob => ({ jobId, done }) as ComputeJob;

/** A client whose list answers `listed`, which started `started` here, and whose starts settle when `settle` is called. */
function fakeClient(listed: ComputeJob[], started: string[] = []): { client: OceanClient; settle(): void; startsAsked: () => number } {
  let settle = (): void => undefined;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  let startsAsked = 0;
  const client = {
    listJobs: async () => listed,
    startsSettled: () => {
      startsAsked++;
      return settled;
    },
    startedHere: (jobId: string) => started.includes(jobId),
  } as unknown as OceanClient;
  return { client, settle, startsAsked: () => startsAsked };
}

const tracker = (followed: string[]): JobTracker => ({ has: (jobId: string) => followed.includes(jobId) }) as unknown as JobTracker;

/** A connection still resuming: its tracker follows `jobIds` once `resume` is called. */
function resumingLater(jobIds: string[]): { tracker: JobTracker; resumed: Promise<void>; resume(): void } {
  let resume = (): void => undefined;
  let followed: string[] = [];
  const resumed = new Promise<void>((resolve) => {
    resume = () => {
      followed = jobIds;
      resolve();
    };
  });
  return { tracker: { has: (id: string) => followed.includes(id) } as unknown as JobTracker, resumed, resume };
}

/** The search's answer, and whether it has come yet. */
function watched(search: Promise<ComputeJob[]>): { pending: Promise<ComputeJob[]>; answered(): boolean } {
  let answered = false;
  const pending = search.then((jobs) => {
    answered = true;
    return jobs;
  });
  return { pending, answered: () => answered };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('findLostJobs: unfinished jobs of the wallet that nothing here follows', function () {
  const cleanups: Array<() => void> = [];
  afterEach(function () {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('leaves out finished jobs and those any connection follows, started, or a shared store holds', async function () {
    const listed = [job('lost-1'), job('done', true), job('followed-a'), job('followed-b'), job('started-b'), job('shared'), job('lost-2')];
    const a = fakeClient(listed);
    const b = fakeClient([], ['started-b']);
    a.settle();
    b.settle();
    cleanups.push(registerConnection({ client: a.client, tracker: tracker(['followed-a']), resumed: Promise.resolve() }));
    cleanups.push(registerConnection({ client: b.client, tracker: tracker(['followed-b']), resumed: Promise.resolve(), storedJobIds: async () => new Set(['shared']) }));
    assert.deepEqual(
      (await findLostJobs(a.client)).map((j) => j.jobId),
      ['lost-1', 'lost-2'],
    );
  });

  it('waits for every connection to resume and for starts in flight, even ones that fail', async function () {
    const listed = [job('resumed-late'), job('lost')];
    const a = fakeClient(listed);
    const later = resumingLater(['resumed-late']);
    cleanups.push(registerConnection({ client: a.client, tracker: later.tracker, resumed: later.resumed }));
    const broken = fakeClient([]);
    broken.settle();
    cleanups.push(registerConnection({ client: broken.client, tracker: tracker([]), resumed: Promise.reject(new Error('store broken')) }));
    const { pending, answered } = watched(findLostJobs(a.client));
    await nextTurn();
    assert.equal(answered(), false);
    later.resume();
    await nextTurn();
    assert.equal(answered(), false, 'a start in flight is still awaited');
    a.settle();
    assert.deepEqual(
      (await pending).map((j) => j.jobId),
      ['lost'],
    );
  });

  it('waits for a connection to resume when no start is in flight', async function () {
    const a = fakeClient([job('resumed-late'), job('lost')]);
    a.settle();
    const later = resumingLater(['resumed-late']);
    cleanups.push(registerConnection({ client: a.client, tracker: later.tracker, resumed: later.resumed }));
    const { pending, answered } = watched(findLostJobs(a.client));
    await nextTurn();
    assert.equal(answered(), false);
    later.resume();
    assert.deepEqual(
      (await pending).map((j) => j.jobId),
      ['lost'],
    );
  });

  it('forgets a connection once it has gone', async function () {
    const a = fakeClient([job('x')]);
    a.settle();
    const gone = registerConnection({ client: fakeClient([]).client, tracker: tracker(['x']), resumed: Promise.resolve() });
    gone();
    assert.deepEqual(
      (await findLostJobs(a.client)).map((j) => j.jobId),
      ['x'],
    );
  });
});
