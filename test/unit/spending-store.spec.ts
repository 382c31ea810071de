import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Budget, type SpentEntry } from '../../src/ocean/payment/budget';
import { parseBudgets } from '../../src/ocean/payment/budget-rules';
import { FileSpendingStore } from '../../src/ocean/payment/spending-store';
import { failure } from '../helpers/failure';

const OCEAN = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const ONE = 10n ** 18n;
/** 2001-09-09T01:46:40.000Z */
const T0 = 1_000_000_000_000;
const HOUR = 3_600_000;

describe('spending kept in a file', function () {
  let folder: string;
  let path: string;

  beforeEach(function () {
    folder = mkdtempSync(join(tmpdir(), 'c2d-spending-'));
    path = join(folder, 'spending.json');
  });

  afterEach(function () {
    rmSync(folder, { recursive: true, force: true });
  });

  const budgetOn = (file: string, now: { t: number }): Budget =>
    new Budget(parseBudgets([{ token: OCEAN, perJob: '2', limit: '3', period: '1h' }]), new FileSpendingStore(file), () => Promise.resolve(18), () => now.t);

  it('a file not written yet is an empty record', async function () {
    assert.deepEqual(await new FileSpendingStore(join(folder, 'not', 'yet', 'spending.json')).load(), []);
  });

  it('saves a versioned JSON document, readable by the owner only, and reads the same entries back', async function () {
    const entries: SpentEntry[] = [{ at: T0, token: OCEAN, amount: '1500', job: 'a1' }];
    const store = new FileSpendingStore(join(folder, 'sub', 'spending.json'));
    await store.save(entries);
    assert.equal(readFileSync(store.path, 'utf8'), `{"version":1,"entries":[{"at":${T0},"token":"${OCEAN}","amount":"1500","job":"a1"}]}\n`);
    assert.equal(statSync(store.path).mode & 0o777, 0o600);
    assert.deepEqual(await store.load(), entries);
  });

  it('a budget started again on the same file counts what was spent before the restart, and keeps recording there', async function () {
    const now = { t: T0 };
    await budgetOn(path, now).reserve([{ token: OCEAN, amount: 2n * ONE }]);
    const [first] = (JSON.parse(readFileSync(path, 'utf8')) as { entries: SpentEntry[] }).entries;
    now.t = T0 + 10 * 60_000;
    const restarted = budgetOn(path, now);
    const error = await failure(restarted.reserve([{ token: OCEAN, amount: 2n * ONE }]));
    assert.equal(error.message, `budgets[0]: nothing was paid; this job would commit 2.0 of token ${OCEAN}, and 2.0 of the 3 allowed per 1h is spent; room again at 2001-09-09T02:46:40.000Z`);
    const held = await restarted.reserve([{ token: OCEAN, amount: ONE }]);
    const [, second] = (JSON.parse(readFileSync(path, 'utf8')) as { entries: SpentEntry[] }).entries;
    assert.match(second!.job, /^[0-9a-f]{16}$/);
    assert.equal(
      readFileSync(path, 'utf8'),
      `{"version":1,"entries":[{"at":${T0},"token":"${OCEAN}","amount":"${2n * ONE}","job":"${first!.job}"},{"at":${T0 + 10 * 60_000},"token":"${OCEAN}","amount":"${ONE}","job":"${second!.job}"}]}\n`,
    );
    now.t = T0 + HOUR;
    await held.settle([{ token: OCEAN, amount: ONE / 2n }]);
    assert.equal(readFileSync(path, 'utf8'), `{"version":1,"entries":[{"at":${T0 + 10 * 60_000},"token":"${OCEAN}","amount":"${ONE / 2n}","job":"${second!.job}"}]}\n`, 'the first job has left the window, and the second settled to half');
    assert.deepEqual((await budgetOn(path, now).room())[0], { field: 'budgets[0]', token: OCEAN, kind: 'window', max: '3', spent: '0.5', remaining: '2.5', window: '1h', nextFreesAt: '2001-09-09T02:56:40.000Z' });
  });

  it('a record that cannot be read is an error, not an empty record: the budget pays nothing', async function () {
    mkdirSync(path);
    await assert.rejects(new FileSpendingStore(path).load(), { code: 'EISDIR' });
    const error = await failure(budgetOn(path, { t: T0 }).reserve([{ token: OCEAN, amount: ONE }]));
    assert.equal(error.code, 'PAYMENT_LIMIT');
    assert.equal(error.message, 'Nothing was paid: the spending on record could not be read (EISDIR: illegal operation on a directory, read), so the budget cannot be checked');
  });

  it('a record that holds no list of entries names the file', async function () {
    for (const text of ['{"version":1}', 'null', '{"version":1,"entries":{}}']) {
      writeFileSync(path, text);
      await assert.rejects(new FileSpendingStore(path).load(), { message: `${path} holds no list of entries` });
    }
    const error = await failure(budgetOn(path, { t: T0 }).check([{ token: OCEAN, amount: ONE }]));
    assert.equal(error.message, `Nothing was paid: the spending on record could not be read (${path} holds no list of entries), so the budget cannot be checked`);
  });

  it('skips each entry that is not a spending (a time, a token, a whole amount and a job), and keeps the rest', async function () {
    const good = { at: T0, token: OCEAN, amount: '25', job: 'j' };
    const entries = [
      good,
      null,
      7,
      { ...good, at: String(T0) },
      { ...good, token: 5 },
      { ...good, amount: 25 },
      { ...good, amount: '2.5' },
      { ...good, amount: 'x25' },
      { ...good, amount: '25x' },
      { ...good, amount: '' },
      { ...good, job: 7 },
      { at: T0, token: OCEAN, amount: '25' },
      { ...good, amount: '0', job: 'k' },
    ];
    writeFileSync(path, JSON.stringify({ version: 1, entries }));
    assert.deepEqual(await new FileSpendingStore(path).load(), [good, { ...good, amount: '0', job: 'k' }]);
  });
});
