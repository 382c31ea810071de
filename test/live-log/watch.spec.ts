import assert from 'node:assert/strict';
import { PassThrough, type Readable } from 'node:stream';
import { OceanError } from '../../src/ocean/errors';
import type { LogLine } from '../../src/ocean/live-log';
import { LineBudget } from '../../src/nodes/lib/line-budget';
import { LiveLogWatch, REOPEN_FIRST_MS, REOPEN_MAX_MS } from '../../src/nodes/lib/live-log-watch';
import { settle, VirtualTime } from '../tracker/virtual-time';

function frame(text: string, stream: 1 | 2 = 1): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('live log: the lines-per-second bound', function () {
  it('lets the set number through in each second, and reports the rest once per second', async function () {
    const time = new VirtualTime();
    const reports: Array<[number, number]> = [];
    const budget = new LineBudget(5, (count) => reports.push([time.now(), count]), time);
    const passed = Array.from({ length: 12 }, () => budget.take()).filter(Boolean).length;
    assert.equal(passed, 5);
    assert.deepEqual(reports, [], 'not before the second is over');
    await time.advance(1_000);
    assert.deepEqual(reports, [[1_000, 7]]);
    // The next second has its own five; a quiet second reports nothing.
    assert.equal(Array.from({ length: 5 }, () => budget.take()).filter(Boolean).length, 5);
    await time.advance(3_000);
    assert.deepEqual(reports, [[1_000, 7]]);
  });

  it('holds over a long burst: 10,000 lines in 10 s at 20 a second send 200 and count 9,800', async function () {
    const time = new VirtualTime();
    let skipped = 0;
    let reports = 0;
    const budget = new LineBudget(20, (count) => ((skipped += count), reports++), time);
    let sent = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      for (let i = 0; i < 10; i++) if (budget.take()) sent++;
      await time.advance(10);
    }
    budget.close();
    assert.equal(sent, 200);
    assert.equal(skipped, 9_800);
    assert.ok(reports <= 11, `${reports} reports`);
  });

  it('close reports what is counted; discard forgets it', async function () {
    const time = new VirtualTime();
    const reports: number[] = [];
    const closing = new LineBudget(1, (count) => reports.push(count), time);
    closing.take();
    closing.take();
    closing.close();
    assert.deepEqual(reports, [1]);
    const discarded = new LineBudget(1, (count) => reports.push(count), time);
    discarded.take();
    discarded.take();
    discarded.discard();
    await time.advance(5_000);
    assert.deepEqual(reports, [1]);
  });
});

/** A backend for the watch: each open() answers the next scripted stream or error. */
class ScriptedLog {
  readonly opened: number[] = [];
  readonly streams: PassThrough[] = [];
  constructor(
    private readonly time: VirtualTime,
    private readonly script: Array<Buffer[] | Error | 'hang'>,
  ) {}

  open = (signal: AbortSignal): Promise<Readable> => {
    this.opened.push(this.time.now());
    const next = this.script.shift() ?? new OceanError('NOT_FOUND', 'Job not found or not running');
    if (next instanceof Error) return Promise.reject(next);
    const stream = new PassThrough();
    this.streams.push(stream);
    signal.addEventListener('abort', () => stream.destroy(), { once: true });
    if (next !== 'hang') {
      for (const chunk of next) stream.write(chunk);
      stream.end();
    }
    return Promise.resolve(stream);
  };
}

function watch(time: VirtualTime, log: ScriptedLog, running: () => boolean = () => true) {
  const lines: string[] = [];
  const failures: unknown[] = [];
  const w = new LiveLogWatch({
    open: log.open,
    lines: (got: LogLine[]) => lines.push(...got.map((l) => `${l.stream}:${l.line}`)),
    running,
    failed: (error) => failures.push(error),
    scheduler: time,
  });
  return { w, lines, failures };
}

describe('live log: following one job', function () {
  it('opens again after a drop, while the job runs, and gives every line once', async function () {
    const time = new VirtualTime();
    const all = Buffer.concat([frame('one\n'), frame('two\n', 2), frame('three\n'), frame('four\n')]);
    const log = new ScriptedLog(time, [[all.subarray(0, 20)], [all.subarray(0, 40)], [all], new OceanError('NOT_FOUND', 'not running')]);
    const { w, lines, failures } = watch(time, log);
    w.start();
    await time.advance(10_000);
    assert.deepEqual(lines, ['stdout:one', 'stderr:two', 'stdout:three', 'stdout:four']);
    assert.deepEqual(failures, []);
    assert.equal(w.active, false, 'stopped once the backend says the job does not run');
    assert.deepEqual(log.opened, [0, REOPEN_FIRST_MS, 2 * REOPEN_FIRST_MS, 3 * REOPEN_FIRST_MS], 'one second between connections that brought lines');
  });

  it('waits longer each time a connection brings nothing new, up to the cap, and stops when the job no longer runs', async function () {
    const time = new VirtualTime();
    const same = [frame('only\n')];
    const log = new ScriptedLog(time, Array.from({ length: 12 }, () => same));
    let running = true;
    const { w, lines } = watch(time, log, () => running);
    w.start();
    await time.advance(120_000);
    const gaps = log.opened.slice(1).map((t, i) => t - log.opened[i]!);
    assert.deepEqual(gaps.slice(0, 6), [1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    assert.ok(gaps.every((gap) => gap <= REOPEN_MAX_MS));
    assert.deepEqual(lines, ['stdout:only']);
    const opens = log.opened.length;
    running = false;
    await time.advance(60_000);
    assert.equal(log.opened.length, opens, 'no connection once the tracker sees the job no longer running');
    assert.equal(w.active, false);
  });

  it('keeps going after transport errors (a cut, a silent stream timed out)', async function () {
    const time = new VirtualTime();
    const log = new ScriptedLog(time, [new OceanError('UNREACHABLE', 'connection reset'), new OceanError('TIMEOUT', 'sent nothing for 60000 ms'), [frame('late\n')]]);
    const { w, lines, failures } = watch(time, log);
    w.start();
    await time.advance(20_000);
    assert.deepEqual(lines, ['stdout:late']);
    assert.deepEqual(failures, []);
    assert.equal(w.active, false);
  });

  it('gives up at once, and says why, when the backend has no live log or refuses the wallet', async function () {
    for (const code of ['UNSUPPORTED_BACKEND', 'AUTH_REJECTED'] as const) {
      const time = new VirtualTime();
      const log = new ScriptedLog(time, [new OceanError(code, 'no')]);
      const { w, failures } = watch(time, log);
      w.start();
      await time.advance(60_000);
      assert.equal(log.opened.length, 1, code);
      assert.equal((failures[0] as OceanError).code, code);
      assert.equal(w.active, false);
    }
  });

  it('stop() closes the open connection, hands on the partial last line, and sends nothing after', async function () {
    const time = new VirtualTime();
    const log = new ScriptedLog(time, ['hang']);
    const { w, lines } = watch(time, log);
    w.start();
    await settle();
    log.streams[0]!.write(frame('complete\npartial'));
    await settle();
    assert.deepEqual(lines, ['stdout:complete']);
    w.stop(true);
    await settle();
    assert.deepEqual(lines, ['stdout:complete', 'stdout:partial']);
    assert.equal(log.streams[0]!.destroyed, true);
    await time.advance(60_000);
    assert.equal(log.opened.length, 1);
    assert.deepEqual(lines, ['stdout:complete', 'stdout:partial']);
  });

  it('stop(false) sends nothing more at all', async function () {
    const time = new VirtualTime();
    const log = new ScriptedLog(time, ['hang']);
    const { w, lines } = watch(time, log);
    w.start();
    await settle();
    log.streams[0]!.write(frame('held'));
    await settle();
    w.stop(false);
    await time.advance(5_000);
    assert.deepEqual(lines, []);
  });
});
