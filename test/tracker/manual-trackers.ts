import { JobTracker, type JobTrackerOptions } from '../../src/tracker';
import { job, ManualClient } from './fake-client';
import { recordEvents } from './helpers';
import { VirtualTime } from './virtual-time';

export interface ManualTrackers {
  /** This test's virtual time (new for each test). */
  readonly time: VirtualTime;
  /** This test's client, answered by hand (new for each test). */
  readonly client: ManualClient;
  /** A tracker on this test's time and client, with the suite's defaults; closed after the test. */
  make(options?: Partial<JobTrackerOptions>): JobTracker;
  /** Follows `jobId` from now (and with its DID, when given). */
  follow(tracker: JobTracker, jobId: string, did?: string): void;
}

/**
 * Trackers on virtual time with requests answered by hand, made fresh for every test of the
 * describe block it is called in, and closed after each.
 */
export function manualTrackers(defaults: Partial<JobTrackerOptions>): ManualTrackers {
  let time = new VirtualTime();
  let client = new ManualClient(() => time.now());
  const trackers: JobTracker[] = [];

  beforeEach(function () {
    time = new VirtualTime();
    client = new ManualClient(() => time.now());
  });

  afterEach(async function () {
    await Promise.all(trackers.splice(0).map((t) => t.close()));
  });

  return {
    get time() {
      return time;
    },
    get client() {
      return client;
    },
    make(options = {}) {
      const tracker = new JobTracker({ client, scheduler: time, clock: time.clock, ...defaults, ...options });
      trackers.push(tracker);
      return tracker;
    },
    follow(tracker, jobId, did) {
      tracker.follow({ jobId, startedAt: time.clock(), ...(did ? { did } : {}) });
    },
  };
}

/**
 * Jobs a and b followed, looked up by id after one missing poll: after one interval the list
 * shows only b (running), and the lookup of a ("get a") is under way, unanswered.
 */
export async function lookupOfAUnderWay(on: ManualTrackers, interval: number): Promise<{ tracker: JobTracker; log: string[] }> {
  on.client.answer = (what) => (what === 'list' ? [job('b', 40)] : undefined);
  const tracker = on.make({ pollByIdUpTo: 0, missingPollsBeforeLookup: 1 });
  const log = recordEvents(tracker);
  on.follow(tracker, 'a');
  on.follow(tracker, 'b');
  await on.time.advance(interval);
  return { tracker, log };
}
