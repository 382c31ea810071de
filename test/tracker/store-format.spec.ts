import assert from 'node:assert/strict';
import { STORE_VERSION, formatChange, formatSnapshot, parseLog, parseSnapshot } from '../../src/tracker/store-format';

const a = { jobId: 'a', startedAt: 1 };
const b = { jobId: 'b', startedAt: 2, timeoutMs: 60_000, context: { nodeId: 'status-1' } };

describe('the job store format', function () {
  describe('the snapshot', function () {
    it('is one line: version, the last change it holds, the jobs as they were serialized', function () {
      assert.equal(STORE_VERSION, 1);
      assert.equal(formatSnapshot([JSON.stringify(a), JSON.stringify(b)], 7), `{"version":1,"seq":7,"jobs":[${JSON.stringify(a)},${JSON.stringify(b)}]}\n`);
      assert.equal(formatSnapshot([], 0), '{"version":1,"seq":0,"jobs":[]}\n');
    });

    it('reads back what it wrote, and the pretty file of the version before change numbers (seq 0)', function () {
      assert.deepEqual(parseSnapshot(formatSnapshot([JSON.stringify(a), JSON.stringify(b)], 7)), { jobs: [a, b], seq: 7, problems: [] });
      assert.deepEqual(parseSnapshot(JSON.stringify({ version: 1, jobs: [a] }, null, 2)), { jobs: [a], seq: 0, problems: [] });
    });

    it('takes a change number only when it is a whole number of 0 or more', function () {
      const seqOf = (seq: unknown): number => parseSnapshot(JSON.stringify({ version: 1, seq, jobs: [] })).seq;
      assert.equal(seqOf(0), 0);
      assert.equal(seqOf(12), 12);
      assert.equal(seqOf(-1), 0, 'a negative number');
      assert.equal(seqOf(-12), 0, 'a negative number');
      assert.equal(seqOf(1.5), 0, 'not whole');
      assert.equal(seqOf('3'), 0, 'a string');
      assert.equal(seqOf(2 ** 53), 0, 'beyond a safe integer');
    });

    it('names what is wrong with a file that is not a list of followed jobs', function () {
      const notAList = { jobs: [], seq: 0, problems: ['is not a list of followed jobs'] };
      assert.deepEqual(parseSnapshot('{"version":1,"jobs":{}}'), notAList);
      assert.deepEqual(parseSnapshot('{"version":1}'), notAList);
      assert.deepEqual(parseSnapshot('[]'), notAList);
      assert.deepEqual(parseSnapshot('null'), notAList);
      assert.deepEqual(parseSnapshot('{"version":1,"jobs":['), { jobs: [], seq: 0, problems: ['is not JSON'] });
      assert.deepEqual(parseSnapshot('{"version":2,"seq":3,"jobs":[]}'), { jobs: [], seq: 0, problems: ['has version 2, not 1'] });
    });

    it('keeps every job that is valid on its own and names the others by index', function () {
      assert.deepEqual(parseSnapshot(JSON.stringify({ version: 1, seq: 4, jobs: [a, { jobId: 7 }, b] })), {
        jobs: [a, b],
        seq: 4,
        problems: ['jobs[1].jobId: expected the id compute-start returned, got 7'],
      });
    });
  });

  describe('the change log', function () {
    it('is one JSON line per change', function () {
      assert.equal(formatChange({ seq: 3, put: a }), `{"seq":3,"put":${JSON.stringify(a)}}\n`);
      assert.equal(formatChange({ seq: 4, remove: 'a' }), '{"seq":4,"remove":"a"}\n');
    });

    it('reads puts and removes in order', function () {
      const text = formatChange({ seq: 1, put: a }) + formatChange({ seq: 2, put: b }) + formatChange({ seq: 3, remove: 'a' });
      assert.deepEqual(parseLog(text), { changes: [{ seq: 1, put: a }, { seq: 2, put: b }, { seq: 3, remove: 'a' }], problems: [] });
      assert.deepEqual(parseLog(''), { changes: [], problems: [] });
    });

    it('skips empty and blank lines without a word', function () {
      const text = `\n${formatChange({ seq: 1, put: a })}   \n\t\r\n${formatChange({ seq: 2, remove: 'a' })}\n`;
      assert.deepEqual(parseLog(text), { changes: [{ seq: 1, put: a }, { seq: 2, remove: 'a' }], problems: [] });
    });

    it('drops a last line without its newline (a write cut short) without a word', function () {
      assert.deepEqual(parseLog(`${formatChange({ seq: 1, put: a })}{"seq":2,"put":{"jobId":"b"`), { changes: [{ seq: 1, put: a }], problems: [] });
      assert.deepEqual(parseLog('{"seq":1,"remove":"a"}'), { changes: [], problems: [] });
    });

    it('names each line it cannot read by its number from 1, and keeps the lines around it', function () {
      const lines = [
        'not json',
        JSON.stringify({ put: a }),
        JSON.stringify({ seq: 3 }),
        JSON.stringify({ seq: 4, put: { jobId: 7, startedAt: 4 } }),
        JSON.stringify({ seq: 5, remove: 'b' }),
        '[5]',
        JSON.stringify({ seq: 1.5, remove: 'a' }),
        '{"seq":8,',
        JSON.stringify({ seq: 9, put: b }),
      ];
      assert.deepEqual(parseLog(lines.map((line) => `${line}\n`).join('')), {
        changes: [{ seq: 5, remove: 'b' }, { seq: 9, put: b }],
        problems: [
          'log line 1 is not JSON',
          'log line 2 has no change number',
          'log line 3 is neither a put nor a remove',
          'log line 4.put.jobId: expected the id compute-start returned, got 7',
          'log line 6 has no change number',
          'log line 7 has no change number',
          'log line 8 is not JSON',
        ],
      });
    });

    it('counts blank lines when it numbers the lines', function () {
      assert.deepEqual(parseLog(`\n\n${JSON.stringify({ seq: 1, put: 'a' })}\nnope\n`), {
        changes: [],
        problems: ['log line 3.put: expected an object with jobId and startedAt, got "a"', 'log line 4 is not JSON'],
      });
    });
  });
});
