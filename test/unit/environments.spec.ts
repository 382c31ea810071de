import assert from 'node:assert/strict';
import { parseOceanNodeEnvironments } from '../../src/ocean/dialects/ocean-node-environments';
import { parseProviderV2Environments } from '../../src/ocean/dialects/provider-v2-environments';
import { mismatchReason, pickEnvironment, type ComputeEnvironment } from '../../src/ocean/environments';
import { OceanError } from '../../src/ocean/errors';
import { exchange } from '../helpers/recordings';

const OCEAN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

describe('environments', function () {
  describe('Ocean Node shape (recorded)', function () {
    const recorded = exchange('a-discovery', /^all compute environments/).response.body;
    const [env] = parseOceanNodeEnvironments(recorded, 8996) as [ComputeEnvironment];

    it('normalises fees, resources and the free tier, keeping the raw object', function () {
      assert.equal(env.isFree, true);
      assert.deepEqual(env.feeTokens, [OCEAN]);
      assert.deepEqual(env.pricePerMinute, { [OCEAN]: 1 });
      assert.deepEqual(
        env.resources.map((r) => [r.kind, r.total, r.max, r.min]),
        [
          ['cpu', 2, 2, 1],
          ['ram', 2, 2, 1],
          ['disk', 2, 2, 0],
        ],
      );
      assert.equal(env.free?.maxJobs, 3);
      assert.equal(env.free?.maxJobDuration, 120);
      assert.equal(env.consumerAddress, '0x90F79bf6EB2c4f870365E785982E1f101E93b906');
      assert.equal(env.raw, (recorded as unknown[])[0]);
    });

    it('checks CPU minimums against the free tier when free, the paid limits otherwise', function () {
      assert.equal(mismatchReason(env, { free: true, minCpu: 2 }), 'offers 1 cpu per job, 2 wanted');
      assert.equal(mismatchReason(env, { free: false, minCpu: 2 }), null);
      assert.equal(mismatchReason(env, { minCpu: 2 }), null, 'either tier will do');
    });

    it('knows the fee token and price limits', function () {
      assert.match(String(mismatchReason(env, { free: false, feeToken: '0x000000000000000000000000000000000000dEaD' })), /does not accept fee token/);
      assert.equal(mismatchReason(env, { feeToken: OCEAN.toLowerCase(), maxPricePerMinute: 1 }), null);
      assert.equal(mismatchReason(env, { maxPricePerMinute: 0.5, free: false }), 'costs 1 per minute, at most 0.5 wanted');
    });

    it('sees when the environment is full', function () {
      const busy = parseOceanNodeEnvironments(
        [{ ...(recorded as Array<Record<string, unknown>>)[0], runningfreeJobs: 3 }],
        8996,
      )[0]!;
      assert.equal(mismatchReason(busy, { free: true, needCapacity: true }), 'is full (3 of 3 jobs running)');
      assert.equal(mismatchReason(busy, { free: true }), null);
    });

    it('is empty for a chain without fees', function () {
      const [other] = parseOceanNodeEnvironments(recorded, 1);
      assert.deepEqual(other!.feeTokens, []);
      assert.equal(mismatchReason(other!, { free: false }), 'takes no payment on chain 1');
    });
  });

  describe('Provider v2 shape', function () {
    const body = {
      '8996': [
        { id: 'paid', consumerAddress: '0xabc', priceMin: '0.25', feeToken: OCEAN, cpuNumber: '4', ramGB: '64', diskGB: 100, gpuNumber: 0, maxJobs: '5', currentJobs: 5, maxJobDuration: '60' },
        { id: 'free', consumerAddress: '0xabc', priceMin: 0, feeToken: OCEAN, cpuNumber: 1, ramGB: 1, diskGB: 1, maxJobs: 2, currentJobs: 0 },
      ],
      '137': [{ id: 'polygon', priceMin: 0 }],
    };

    it('takes the configured chain and reads numeric strings', function () {
      const envs = parseProviderV2Environments(body, 8996);
      assert.deepEqual(envs.map((e) => e.id), ['paid', 'free']);
      assert.equal(envs[0]!.pricePerMinute[OCEAN], 0.25);
      assert.equal(envs[0]!.maxJobDuration, 60);
      assert.equal(envs[0]!.resources.find((r) => r.kind === 'ram')!.max, 64);
      assert.equal(envs[0]!.raw.priceMin, '0.25');
    });

    it('picks the first priceMin == 0 environment, as ocean.py get_free_c2d_environment', function () {
      assert.equal(pickEnvironment(parseProviderV2Environments(body, 8996), { free: true }).id, 'free');
    });

    it('accepts an older bare array and answers [] for a chain it lacks', function () {
      assert.equal(parseProviderV2Environments(body['8996'], 8996).length, 2);
      assert.deepEqual(parseProviderV2Environments(body, 5), []);
    });

    it('reports every environment it passed over', function () {
      const envs = parseProviderV2Environments(body, 8996);
      assert.throws(
        () => pickEnvironment(envs, { minCpu: 2, needCapacity: true }),
        (error: unknown) =>
          error instanceof OceanError &&
          error.code === 'NO_MATCHING_ENVIRONMENT' &&
          /paid is full \(5 of 5 jobs running\); free offers 1 cpu per job, 2 wanted/.test(error.message),
      );
      assert.throws(() => pickEnvironment([], {}), /the server lists no compute environment for this chain/);
    });

    it('rejects a body of the wrong shape', function () {
      assert.throws(() => parseProviderV2Environments('nope', 8996), (e: unknown) => e instanceof OceanError && e.code === 'BAD_RESPONSE');
      assert.throws(() => parseProviderV2Environments({ '8996': {} }, 8996), /unexpected shape/);
    });
  });
});
