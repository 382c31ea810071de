import assert from 'node:assert/strict';
import { describeConstraints, lenientNumber, mismatchReason, pickEnvironment, validateConstraints, type ComputeEnvironment, type EnvironmentConstraints } from '../../src/ocean/environments';
import { failure, thrown } from '../helpers/failure';

const TOKEN_A = '0x1B02dA8Cb0d097eB8D57A175b88c7D8b47997506';
const TOKEN_B = '0x2222222222222222222222222222222222222222';

function env(overrides: Partial<ComputeEnvironment> = {}): ComputeEnvironment {
  return {
    id: 'env-1',
    backend: 'ocean-node',
    chainId: 8996,
    consumerAddress: '0xc',
    description: '',
    isFree: false,
    feeTokens: [TOKEN_A],
    pricePerMinute: { [TOKEN_A]: 2 },
    resources: [
      { id: 'cpu', kind: 'cpu', total: 4, max: 4, inUse: 0 },
      { id: 'ram', kind: 'ram', total: 8, max: 8, inUse: 0 },
      { id: 'disk', kind: 'disk', total: 10, max: 10, inUse: 0 },
    ],
    raw: {},
    ...overrides,
  };
}

const freeEnv = (overrides: Partial<ComputeEnvironment> = {}): ComputeEnvironment =>
  env({ isFree: true, free: { maxJobs: 1, runningJobs: 0, resources: [{ id: 'cpu', kind: 'cpu', max: 1, total: 1 }] }, ...overrides });

describe('mismatchReason: why an environment does not fit', function () {
  it('a paid environment is not free; an Ocean Node without fee tokens on the chain takes no payment', function () {
    assert.equal(mismatchReason(env(), { free: true }), 'not free');
    assert.equal(mismatchReason(env({ feeTokens: [] }), { free: false }), 'takes no payment on chain 8996');
    assert.equal(mismatchReason(env({ backend: 'provider-v2', feeTokens: [] }), { free: false }), null);
  });

  it('compares the per-job maximum (max, else total, summed over resources of a kind) with each minimum asked', function () {
    const split = env({ resources: [{ id: 'gpu-a', kind: 'gpu', max: 1 }, { id: 'gpu-b', kind: 'gpu', total: 2 }, { id: 'x', kind: 'gpu' }] });
    assert.equal(mismatchReason(split, { minGpu: 3 }), null);
    assert.equal(mismatchReason(split, { minGpu: 4 }), 'offers 3 gpu per job, 4 wanted');
    assert.equal(mismatchReason(env(), { minCpu: 4, minRam: 8, minDisk: 10 }), null);
    assert.equal(mismatchReason(env(), { minRam: 9 }), 'offers 8 ram per job, 9 wanted');
    assert.equal(mismatchReason(env(), { minDisk: 11 }), 'offers 10 disk per job, 11 wanted');
    assert.equal(mismatchReason(env(), { minCpu: 0, minGpu: 0 }), null, 'a minimum of 0 asks for nothing');
  });

  it('uses the free tier’s own resources for free jobs, and the environment’s when the tier lists none', function () {
    assert.equal(mismatchReason(freeEnv(), { free: true, minCpu: 2 }), 'offers 1 cpu per job, 2 wanted');
    assert.equal(mismatchReason(freeEnv(), { free: false, minCpu: 2 }), null);
    assert.equal(mismatchReason(freeEnv({ free: { resources: [] } }), { free: true, minCpu: 4 }), null);
  });

  it('with the tier left open: fits when either tier fits, and names the paid reason when neither does', function () {
    assert.equal(mismatchReason(freeEnv(), { minCpu: 2 }), null, 'paid fits');
    assert.equal(mismatchReason(freeEnv({ feeTokens: [] }), { minCpu: 1 }), null, 'free fits');
    assert.equal(mismatchReason(freeEnv({ feeTokens: [] }), { minCpu: 2 }), 'takes no payment on chain 8996');
    assert.equal(mismatchReason(env(), { minCpu: 5 }), 'offers 4 cpu per job, 5 wanted', 'a paid-only environment');
  });

  it('paid: the fee token (any case) and the cheapest price of the tokens that count', function () {
    const two = env({ feeTokens: [TOKEN_A, TOKEN_B], pricePerMinute: { [TOKEN_A]: 5, [TOKEN_B]: 3 } });
    assert.equal(mismatchReason(two, { free: false, feeToken: TOKEN_A.toLowerCase() }), null);
    assert.equal(mismatchReason(env(), { free: false, feeToken: TOKEN_B }), `does not accept fee token ${TOKEN_B}`);
    assert.equal(mismatchReason(two, { free: false, maxPricePerMinute: 3 }), null, 'the cheapest token counts');
    assert.equal(mismatchReason(two, { free: false, maxPricePerMinute: 2.9 }), 'costs 3 per minute, at most 2.9 wanted');
    assert.equal(mismatchReason(two, { free: false, feeToken: TOKEN_A, maxPricePerMinute: 4 }), 'costs 5 per minute, at most 4 wanted', 'only the chosen token counts');
    assert.equal(mismatchReason(two, { free: false, feeToken: TOKEN_A, maxPricePerMinute: 5 }), null);
    assert.equal(mismatchReason(env({ pricePerMinute: {} }), { free: false, maxPricePerMinute: 100 }), 'has no price for the fee token');
    const partlyPriced = env({ feeTokens: [TOKEN_A, TOKEN_B], pricePerMinute: { [TOKEN_B]: 1 } });
    assert.equal(mismatchReason(partlyPriced, { free: false, maxPricePerMinute: 1 }), null, 'a token without a price is skipped');
    assert.equal(mismatchReason(freeEnv(), { free: true, feeToken: TOKEN_B, maxPricePerMinute: 0 }), null, 'a free job pays nothing');
  });

  it('with room asked for: the job count (free tier or environment) and what is left of each resource', function () {
    assert.equal(mismatchReason(env({ maxJobs: 2, runningJobs: 2 }), { needCapacity: true }), 'is full (2 of 2 jobs running)');
    assert.equal(mismatchReason(env({ maxJobs: 2, runningJobs: 1 }), { needCapacity: true }), null);
    assert.equal(mismatchReason(env({ maxJobs: 0 }), { needCapacity: true }), 'is full (0 of 0 jobs running)');
    assert.equal(mismatchReason(freeEnv({ free: { maxJobs: 1, runningJobs: 1, resources: [] } }), { free: true, needCapacity: true }), 'is full (1 of 1 jobs running)');
    assert.equal(mismatchReason(env({ maxJobs: 2, runningJobs: 2 }), { needCapacity: false }), null);
    const busy = env({ resources: [{ id: 'cpu', kind: 'cpu', total: 4, inUse: 3, min: 1 }, { id: 'ram', kind: 'ram', total: 8, inUse: 6 }, { id: 'lic', kind: 'other', total: 1, inUse: 1, min: 1 }] });
    assert.equal(mismatchReason(busy, { needCapacity: true, minCpu: 1 }), 'has 0 lic left, 1 needed');
    assert.equal(mismatchReason(busy, { needCapacity: true, minRam: 3 }), 'has 2 ram left, 3 needed');
    const room = env({ resources: [{ id: 'cpu', kind: 'cpu', total: 4, inUse: 3, max: 4 }, { id: 'ram', kind: 'ram', total: 8, inUse: 8 }, { id: 'gpu', kind: 'gpu', inUse: 1 }] });
    assert.equal(mismatchReason(room, { needCapacity: true, minCpu: 1 }), null, 'exactly what is left is enough; nothing wanted of a full resource');
    assert.equal(mismatchReason(room, { needCapacity: true, minCpu: 2 }), 'has 1 cpu left, 2 needed');
    const overbooked = env({ resources: [{ id: 'gpu', kind: 'gpu', total: 1, inUse: 2 }] });
    assert.equal(mismatchReason(overbooked, { needCapacity: true }), null, 'a resource nobody asked for does not count, even over-used');
  });
});

describe('pickEnvironment: the first environment that fits', function () {
  it('answers the first that fits, in the listed order', function () {
    const list = [env({ id: 'a', maxJobs: 1, runningJobs: 1 }), env({ id: 'b' }), env({ id: 'c' })];
    assert.equal(pickEnvironment(list, { needCapacity: true }).id, 'b');
  });

  it('says why each did not fit, with long ids shortened, and the constraints in the details', async function () {
    const long = 'ocean-node-0x1234567890abcdef1234567890abcdef-env';
    const error = await failure(Promise.resolve().then(() => pickEnvironment([env({ id: long }), env({ id: 'exactly-24-characters-ok' })], { free: true, minCpu: 2 })));
    assert.equal(error.code, 'NO_MATCHING_ENVIRONMENT');
    assert.equal(error.message, 'No compute environment matches (free, cpu >= 2): ocean-node…cdef-env not free; exactly-24-characters-ok not free');
    assert.deepEqual(error.details, { constraints: { free: true, minCpu: 2 }, environments: 2 });
  });

  it('says when the server lists none', function () {
    const error = thrown(() => pickEnvironment([], {}));
    assert.equal(error.message, 'No compute environment matches (no constraints): the server lists no compute environment for this chain');
    assert.deepEqual(error.details, { constraints: {}, environments: 0 });
  });
});

describe('describeConstraints', function () {
  it('lists each constraint set, in a fixed order', function () {
    const all: EnvironmentConstraints = { free: false, minCpu: 2, minRam: 4, minDisk: 8, minGpu: 1, feeToken: TOKEN_A, maxPricePerMinute: 0, needCapacity: true };
    assert.equal(describeConstraints(all), `(paid, cpu >= 2, ram >= 4, disk >= 8, gpu >= 1, fee token ${TOKEN_A}, price <= 0/min, room for a job now)`);
    assert.equal(describeConstraints({ minCpu: 0, needCapacity: false }), '(no constraints)');
  });
});

describe('validateConstraints: constraint values from a flow', function () {
  it('passes good values through and names the bad field', function () {
    const good = { minCpu: 0, maxPricePerMinute: 1.5, feeToken: TOKEN_A };
    assert.equal(validateConstraints(good), good);
    for (const [key, value] of [['minCpu', -1], ['minRam', Number.NaN], ['minDisk', Infinity], ['minGpu', -0.5], ['maxPricePerMinute', -2]] as const) {
      const error = thrown(() => validateConstraints({ [key]: value }));
      assert.equal(error.message, `${key}: expected a number of 0 or more, got ${value}`);
    }
    for (const token of ['0x12', `x${TOKEN_A}`, `${TOKEN_A}0`, TOKEN_A.slice(2)]) {
      assert.ok(thrown(() => validateConstraints({ feeToken: token })).message.startsWith('feeToken: expected a 0x-prefixed 20-byte token address, got '), token);
    }
  });
});

describe('lenientNumber: numbers servers send as numbers or text', function () {
  it('reads finite numbers and numeric text; refuses blanks and the rest', function () {
    assert.equal(lenientNumber(3), 3);
    assert.equal(lenientNumber(' 64 '), 64);
    assert.equal(lenientNumber('0.5'), 0.5);
    for (const bad of [Number.NaN, Infinity, '', '   ', 'abc', null, undefined, true, {}]) assert.equal(lenientNumber(bad), undefined, String(bad));
  });
});
