import assert from 'node:assert/strict';
import { parseBudgets } from '../../src/ocean/payment/budget-rules';
import { OceanError } from '../../src/ocean/errors';

const OCEAN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const PERIOD_EXPECTED = 'expected a period such as 1h, 24h, 7d or a number of seconds';
const AMOUNT_EXPECTED = 'expected an amount of tokens of 0 or more, such as 5 or 0.5';

/** The INVALID_CONFIG error parseBudgets throws for this input: its message, and that its details name the field. */
function refusal(input: unknown): string {
  try {
    parseBudgets(input);
  } catch (error) {
    assert.ok(error instanceof OceanError, `expected an OceanError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_CONFIG');
    assert.deepEqual(error.details, { field: error.message.slice(0, error.message.indexOf(':')) });
    return error.message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('budget rules', function () {
  it('no budgets at all: nothing, null or empty text', function () {
    for (const none of [undefined, null, '']) assert.deepEqual(parseBudgets(none), []);
    assert.deepEqual(parseBudgets('[]'), []);
  });

  it('a row with a maximum per job and per period, its values trimmed and its token lower-cased', function () {
    assert.deepEqual(parseBudgets([{ token: ` ${OCEAN} `, perJob: ' 0.25 ', limit: '20 ', period: ' 24h ' }]), [
      { field: 'budgets[0]', token: OCEAN.toLowerCase(), perJob: '0.25', limit: '20', windowSeconds: 86_400, period: '24h' },
    ]);
  });

  it('a row without a token is for every token no other row names; numbers are read as amounts and seconds', function () {
    assert.deepEqual(parseBudgets([{ perJob: 5 }, { token: '', limit: 20, period: 3600 }]), [
      { field: 'budgets[0]', token: '*', perJob: '5' },
      { field: 'budgets[1]', token: '*', limit: '20', windowSeconds: 3600, period: '3600s' },
    ]);
  });

  it('reads periods in seconds, minutes, hours, days and weeks, keeping how they were written', function () {
    const cases: Array<[string, number, string]> = [
      ['1', 1, '1s'],
      ['90', 90, '90s'],
      ['1.5', 2, '1.5s'],
      ['1.50', 2, '1.50s'],
      ['060', 60, '060s'],
      ['45s', 45, '45s'],
      ['30m', 1800, '30m'],
      ['2H', 7200, '2h'],
      ['1 h', 3600, '1h'],
      ['1.5h', 5400, '1.5h'],
      ['1.50H', 5400, '1.50h'],
      ['1.25h', 4500, '1.25h'],
      ['7d', 604_800, '7d'],
      ['1w', 604_800, '1w'],
    ];
    for (const [period, windowSeconds, written] of cases) {
      assert.deepEqual(parseBudgets([{ limit: '1', period }]), [{ field: 'budgets[0]', token: '*', limit: '1', windowSeconds, period: written }], period);
    }
  });

  it('refuses a period that is not one, naming the row and what was written', function () {
    const cases: Array<[unknown, string]> = [
      ['x1h', '"x1h"'],
      ['1hx', '"1hx"'],
      ['1h1', '"1h1"'],
      ['1.h', '"1.h"'],
      ['0.5', '"0.5"'],
      ['0', '"0"'],
      ['1y', '"1y"'],
      ['fortnight', '"fortnight"'],
      ['', 'an empty string'],
      [undefined, 'an empty string'],
    ];
    for (const [period, shown] of cases) {
      assert.equal(refusal([{ perJob: '1' }, { limit: '1', period }]), `budgets[1].period: ${PERIOD_EXPECTED}, got ${shown}`, String(period));
    }
  });

  it('refuses amounts that are not whole or decimal numbers of 0 or more', function () {
    assert.deepEqual(parseBudgets([{ perJob: '0', limit: '10.125', period: '1h' }])[0], { field: 'budgets[0]', token: '*', perJob: '0', limit: '10.125', windowSeconds: 3600, period: '1h' });
    for (const amount of ['-1', '1.', '.5', '1e3', '0x10', '5 OCEAN', '1.2.3']) {
      assert.equal(refusal([{ perJob: amount }]), `budgets[0].perJob: ${AMOUNT_EXPECTED}, got "${amount}"`);
      assert.equal(refusal([{ limit: amount, period: '1h' }]), `budgets[0].limit: ${AMOUNT_EXPECTED}, got "${amount}"`);
    }
  });

  it('refuses a row with neither a maximum per job nor per period, without showing a value', function () {
    assert.equal(refusal([{ token: OCEAN }]), 'budgets[0]: expected a maximum per job (perJob), or per period (limit and period), or both');
    assert.equal(refusal([{ token: OCEAN, perJob: ' ', period: '1h' }]), 'budgets[0]: expected a maximum per job (perJob), or per period (limit and period), or both');
  });

  it('refuses a token that is not an address or *', function () {
    assert.equal(refusal([{ token: 'OCEAN', perJob: '1' }]), 'budgets[0].token: expected a token address (0x…), or * for any other token, got "OCEAN"');
    const badChecksum = OCEAN.replace('F', 'f');
    assert.equal(refusal([{ token: badChecksum, perJob: '1' }]), 'budgets[0].token: expected a token address (0x…), or * for any other token, got a 42-character string');
  });

  it('refuses what is not a list of rows, or a row that is not an object', function () {
    assert.equal(refusal({ token: OCEAN, perJob: '1' }), 'budgets: expected a list of budgets, got a object');
    assert.equal(refusal('{"perJob": "1"}'), 'budgets: expected a list of budgets, got a object');
    assert.equal(refusal('5'), 'budgets: expected a list of budgets, got 5');
    assert.equal(refusal('[{perJob: 1}'), 'budgets: expected a list of budgets as JSON, such as [{"token": "0x…", "perJob": "5", "limit": "20", "period": "24h"}], got "[{perJob: 1}"');
    assert.equal(refusal(['5']), 'budgets[0]: expected an object {token, perJob, limit, period}, got "5"');
    assert.equal(refusal([{ perJob: '1' }, null]), 'budgets[1]: expected an object {token, perJob, limit, period}, got null');
  });
});
