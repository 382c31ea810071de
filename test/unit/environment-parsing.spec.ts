import assert from 'node:assert/strict';
import { parseOceanNodeEnvironments } from '../../src/ocean/dialects/ocean-node-environments';
import { parseProviderV2Environments } from '../../src/ocean/dialects/provider-v2-environments';
import type { ComputeEnvironment } from '../../src/ocean/environments';

const OCEAN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const USDC = '0x0000000000000000000000000000000000000Ada';

/** Everything but `raw`, which is the server's own object. */
function parsed(env: ComputeEnvironment): Partial<ComputeEnvironment> {
  const copy: Partial<ComputeEnvironment> = { ...env };
  delete copy.raw;
  return copy;
}

describe('environments as each backend lists them, field by field', function () {
  describe('Ocean Node', function () {
    // The shape of a real Ocean Node's answer (see a-discovery.json), with the cases it can hold.
    const gpuNode = {
      id: '0xgpu-node',
      fees: {
        '8996': [
          { feeToken: OCEAN, prices: [{ id: 'cpu', price: 3 }, { id: 'a100-gpu', price: '10' }, { id: 'ram', price: 1 }, { price: 2 }, 'junk'] },
          { feeToken: USDC, prices: 'none' },
          { prices: [{ id: 'cpu', price: 1 }] },
          'junk',
        ],
        '1': [{ feeToken: USDC, prices: [] }],
      },
      resources: [
        { id: 'cpu', total: 8, min: 2, max: 4, inUse: 1 },
        { id: 'ram', type: 'ram', total: '32', min: 0, max: 16 },
        { id: 'a100-gpu', total: 1, max: 1 },
        { id: 'accel', type: 'GPU', total: 2 },
        { id: 'scratch', type: 'nvme' },
        { total: 5 },
        'junk',
      ],
      free: { maxJobs: 2, maxJobDuration: '60', minJobDuration: 10, resources: [{ id: 'accel', max: 1 }, { id: 'cpu', max: 1 }, { id: 'mystery' }, 'junk'] },
      runningfreeJobs: 1,
      maxJobDuration: 3600,
      minJobDuration: '60',
      maxJobs: 10,
      runningJobs: 4,
    };

    it('reads resources, kinds, fees and the free tier, and prices the smallest job from the minimums', function () {
      const envs = parseOceanNodeEnvironments([null, 'junk', gpuNode, { id: 'bare' }], 8996);
      assert.deepEqual(envs.map(parsed), [
        {
          id: '0xgpu-node',
          backend: 'ocean-node',
          chainId: 8996,
          consumerAddress: '',
          description: '',
          isFree: true,
          feeTokens: [OCEAN, USDC],
          // cpu: 3 × its minimum 2; the GPU: 10 × 1 (no minimum); ram: minimum 0 counts as 1; an unnamed price: 2 × 1.
          pricePerMinute: { [OCEAN]: 6 + 10 + 1 + 2, [USDC]: 0 },
          resourcePrices: { [OCEAN]: [{ id: 'cpu', price: 3 }, { id: 'a100-gpu', price: 10 }, { id: 'ram', price: 1 }, { id: '', price: 2 }], [USDC]: [] },
          resources: [
            { id: 'cpu', kind: 'cpu', total: 8, min: 2, max: 4, inUse: 1 },
            { id: 'ram', kind: 'ram', total: 32, min: 0, max: 16, inUse: undefined },
            { id: 'a100-gpu', kind: 'gpu', total: 1, min: undefined, max: 1, inUse: undefined },
            { id: 'accel', kind: 'gpu', total: 2, min: undefined, max: undefined, inUse: undefined },
            { id: 'scratch', kind: 'other', total: undefined, min: undefined, max: undefined, inUse: undefined },
            { id: '', kind: 'other', total: 5, min: undefined, max: undefined, inUse: undefined },
          ],
          maxJobDuration: 3600,
          minJobDuration: 60,
          maxJobs: 10,
          runningJobs: 4,
          free: {
            maxJobs: 2,
            runningJobs: 1,
            maxJobDuration: 60,
            minJobDuration: 10,
            resources: [
              // Named only by id in the free block: the kind is the paid resource's of that id.
              { id: 'accel', kind: 'gpu', total: undefined, min: undefined, max: 1, inUse: undefined },
              { id: 'cpu', kind: 'cpu', total: undefined, min: undefined, max: 1, inUse: undefined },
              { id: 'mystery', kind: 'other', total: undefined, min: undefined, max: undefined, inUse: undefined },
            ],
          },
        },
        {
          id: 'bare',
          backend: 'ocean-node',
          chainId: 8996,
          consumerAddress: '',
          description: '',
          isFree: false,
          feeTokens: [],
          pricePerMinute: {},
          resourcePrices: {},
          resources: [],
          maxJobDuration: undefined,
          minJobDuration: undefined,
          maxJobs: undefined,
          runningJobs: undefined,
          free: undefined,
        },
      ]);
    });

    it('keeps the consumer address and the description it is given', function () {
      const [env] = parseOceanNodeEnvironments([{ id: 'e', consumerAddress: '0xabc', description: 'two GPUs' }], 8996);
      assert.equal(env!.consumerAddress, '0xabc');
      assert.equal(env!.description, 'two GPUs');
    });

    it('refuses a list that is not an array, and an environment without an id, saying which', function () {
      assert.throws(() => parseOceanNodeEnvironments({ id: 'e' }, 8996), { code: 'BAD_RESPONSE', message: 'Ocean Node listed compute environments in an unexpected shape (not an array)' });
      assert.throws(() => parseOceanNodeEnvironments([{ id: 7 }], 8996), { code: 'BAD_RESPONSE', message: 'Ocean Node listed a compute environment without an id' });
    });
  });

  describe('Provider v2', function () {
    it('reads each resource it lists, and only those, under its own id', function () {
      const envs = parseProviderV2Environments({ '8996': ['junk', { id: 'gpu-box', desc: 'one GPU', consumerAddress: '0xc0', priceMin: '2', feeToken: OCEAN, cpuNumber: 8, ramGB: '64', diskGB: 500, gpuNumber: '1', maxJobs: 3, currentJobs: '1', maxJobDuration: 600 }, { id: 'cpu-only', cpuNumber: 2 }] }, 8996);
      assert.deepEqual(envs.map(parsed), [
        {
          id: 'gpu-box',
          backend: 'provider-v2',
          chainId: 8996,
          consumerAddress: '0xc0',
          description: 'one GPU',
          isFree: false,
          feeTokens: [OCEAN],
          pricePerMinute: { [OCEAN]: 2 },
          resources: [
            { id: 'cpu', kind: 'cpu', total: 8, max: 8 },
            { id: 'ram', kind: 'ram', total: 64, max: 64 },
            { id: 'disk', kind: 'disk', total: 500, max: 500 },
            { id: 'gpu', kind: 'gpu', total: 1, max: 1 },
          ],
          maxJobDuration: 600,
          maxJobs: 3,
          runningJobs: 1,
          free: undefined,
        },
        {
          id: 'cpu-only',
          backend: 'provider-v2',
          chainId: 8996,
          consumerAddress: '',
          description: '',
          isFree: false,
          feeTokens: [],
          pricePerMinute: {},
          resources: [{ id: 'cpu', kind: 'cpu', total: 2, max: 2 }],
          maxJobDuration: undefined,
          maxJobs: undefined,
          runningJobs: undefined,
          free: undefined,
        },
      ]);
    });

    it('refuses a body of the wrong shape and an environment without an id, saying which', function () {
      assert.throws(() => parseProviderV2Environments('nope', 8996), { code: 'BAD_RESPONSE', message: 'The Provider listed compute environments in an unexpected shape' });
      assert.throws(() => parseProviderV2Environments({ '8996': {} }, 8996), { code: 'BAD_RESPONSE', message: 'The Provider listed compute environments for chain 8996 in an unexpected shape' });
      assert.throws(() => parseProviderV2Environments([{ id: null }], 8996), { code: 'BAD_RESPONSE', message: 'The Provider listed a compute environment without an id' });
    });
  });
});
