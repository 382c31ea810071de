import assert from 'node:assert/strict';
import { normalizeDdo, type Ddo, type DdoService } from '../../src/ocean/ddo';
import type { StartJobRequest } from '../../src/ocean/job-request';
import { checkAssets, withServiceIds } from '../../src/ocean/start-checks';
import { failure } from '../helpers/failure';

const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const metadata = { type: 'dataset', name: 'n' };
const compute = (id: string): Record<string, unknown> => ({ id, type: 'compute', compute: {} });
const access = (id: string): Record<string, unknown> => ({ id, type: 'access' });

/** DDOs by DID; resolve() answers them and records the order asked. */
function catalogue(ddos: Record<string, Record<string, unknown>[]>, extra: Record<string, Record<string, unknown>> = {}): { resolve: (did: string) => Promise<Ddo>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolve: async (did) => {
      asked.push(did);
      const services = ddos[did];
      if (!services) throw new Error(`unknown ${did}`);
      return normalizeDdo({ id: did, metadata, services, ...extra[did] });
    },
  };
}

const request = (datasets: StartJobRequest['datasets'], algorithm: StartJobRequest['algorithm']): StartJobRequest => ({ environment: 'env', datasets, algorithm });
const raw = { meta: { container: { image: 'python', tag: '3', entrypoint: 'python $ALGO', checksum: '' }, rawcode: 'print(1)' } } as StartJobRequest['algorithm'];

describe('checkAssets: what is checked before anything is paid or sent', function () {
  it("picks a dataset's first compute service and an algorithm's first compute or access service when none is named", async function () {
    const { resolve } = catalogue({
      'did:op:data': [access('a0'), compute('c1'), compute('c2')],
      'did:op:extra': [access('x0'), compute('x1')],
      'did:op:algo': [access('g0'), compute('g1')],
    });
    const checked = await checkAssets(request([{ did: 'did:op:data' }, { did: 'did:op:extra' }], { did: 'did:op:algo' }), ME, { resolve });
    assert.deepEqual(
      checked.map((c) => [c.field, c.input.serviceId, c.service.id, c.ddo.id]),
      [
        ['datasets[0]', 'c1', 'c1', 'did:op:data'],
        ['datasets[1]', 'x1', 'x1', 'did:op:extra'],
        ['algorithm', 'g0', 'g0', 'did:op:algo'],
      ],
    );
  });

  it('keeps the named service, and its other fields, of each asset', async function () {
    const { resolve } = catalogue({ 'did:op:data': [compute('c1'), compute('c2')], 'did:op:algo': [compute('g1'), access('g2')] });
    const checked = await checkAssets(request([{ did: 'did:op:data', serviceId: 'c2', transferTxId: '0xabc' }], { did: 'did:op:algo', serviceId: 'g2' }), ME, { resolve });
    assert.deepEqual(checked[0]!.input, { did: 'did:op:data', serviceId: 'c2', transferTxId: '0xabc' });
    assert.equal(checked[1]!.service.id, 'g2');
  });

  it('checks only published assets: URL datasets and raw algorithms are left alone', async function () {
    const { resolve, asked } = catalogue({ 'did:op:extra': [compute('x1')] });
    const url = { fileObject: { type: 'url' as const, url: 'http://127.0.0.1/data.csv', method: 'GET' } };
    const checked = await checkAssets(request([url, { did: 'did:op:extra' }], raw), ME, { resolve });
    assert.deepEqual(asked, ['did:op:extra']);
    assert.deepEqual(
      checked.map((c) => c.field),
      ['datasets[1]'],
    );
  });

  it('refuses a main dataset whose named service is not a compute service, and one with no compute service at all', async function () {
    const { resolve } = catalogue({ 'did:op:data': [access('a0')], 'did:op:algo': [compute('g1')] });
    const named = await failure(checkAssets(request([{ did: 'did:op:data', serviceId: 'a0' }], raw), ME, { resolve }));
    assert.equal(named.code, 'NOT_CONSUMABLE');
    assert.equal(named.message, 'datasets[0]: service "a0" of did:op:data is of type access, not compute');
    const none = await failure(checkAssets(request([{ did: 'did:op:data' }], raw), ME, { resolve }));
    assert.equal(none.code, 'NOT_CONSUMABLE');
    assert.equal(none.message, 'datasets[0]: did:op:data offers no compute service to run a job with');
    assert.deepEqual(none.details, { field: 'datasets[0]', did: 'did:op:data', rule: 'SERVICE_NOT_COMPUTE' });
  });

  it('refuses an additional dataset without a compute service, and an algorithm with no service, each named by its field', async function () {
    const { resolve } = catalogue({ 'did:op:data': [compute('c1')], 'did:op:extra': [access('x0')], 'did:op:algo': [] });
    const extra = await failure(checkAssets(request([{ did: 'did:op:data' }, { did: 'did:op:extra' }], raw), ME, { resolve }));
    assert.equal(extra.message, 'datasets[1]: did:op:extra offers no service to run a job with');
    assert.equal(extra.details?.field, 'datasets[1]');
    const algorithm = await failure(checkAssets(request([{ did: 'did:op:data' }], { did: 'did:op:algo' }), ME, { resolve }));
    assert.equal(algorithm.message, 'algorithm: did:op:algo offers no service to run a job with');
  });

  it("skips an algorithm's services that are neither compute nor access", async function () {
    const { resolve } = catalogue({ 'did:op:data': [compute('c1')], 'did:op:algo': [{ id: 'm0', type: 'metadata' }, access('g1')] });
    const checked = await checkAssets(request([{ did: 'did:op:data' }], { did: 'did:op:algo' }), ME, { resolve });
    assert.equal(checked[1]!.service.id, 'g1');
  });

  it('takes an access service as named for an additional dataset (only the main one must be compute)', async function () {
    const { resolve } = catalogue({ 'did:op:data': [compute('c1')], 'did:op:extra': [access('x0')] });
    const checked = await checkAssets(request([{ did: 'did:op:data' }, { did: 'did:op:extra', serviceId: 'x0' }], raw), ME, { resolve });
    assert.equal(checked[1]!.service.type, 'access');
  });

  it('names the field of a service id the DDO does not have', async function () {
    const { resolve } = catalogue({ 'did:op:data': [compute('c1')], 'did:op:algo': [compute('g1')] });
    const error = await failure(checkAssets(request([{ did: 'did:op:data' }], { did: 'did:op:algo', serviceId: 'nope' }), ME, { resolve }));
    assert.equal(error.code, 'INVALID_INPUT');
    assert.equal(error.details?.field, 'algorithm.serviceId');
  });

  it("refuses an asset this wallet may not consume, naming the asset's field", async function () {
    const { resolve } = catalogue(
      { 'did:op:data': [compute('c1')], 'did:op:algo': [compute('g1')] },
      { 'did:op:algo': { credentials: { deny: [{ type: 'address', values: [ME.toLowerCase()] }] } } },
    );
    const error = await failure(checkAssets(request([{ did: 'did:op:data' }], { did: 'did:op:algo' }), ME, { resolve }));
    assert.equal(error.code, 'NOT_CONSUMABLE');
    assert.deepEqual(error.details, { field: 'algorithm', did: 'did:op:algo', consumableCode: 4, rule: 'CREDENTIAL_IN_DENY_LIST' });
  });

  it('asks reachability of every checked asset, and refuses the first unreachable with CONNECTIVITY_FAIL', async function () {
    const { resolve } = catalogue({ 'did:op:data': [compute('c1')], 'did:op:algo': [compute('g1')] });
    const asked: string[] = [];
    const reachable = async (ddo: Ddo, service: DdoService): Promise<boolean> => {
      asked.push(`${ddo.id}/${service.id}`);
      return ddo.id !== 'did:op:algo';
    };
    const error = await failure(checkAssets(request([{ did: 'did:op:data' }], { did: 'did:op:algo' }), ME, { resolve, reachable }));
    assert.deepEqual(asked, ['did:op:data/c1', 'did:op:algo/g1']);
    assert.equal(error.code, 'NOT_CONSUMABLE');
    assert.deepEqual(error.details, { field: 'algorithm', did: 'did:op:algo', consumableCode: 2, rule: 'CONNECTIVITY_FAIL' });
    const fine = await checkAssets(request([{ did: 'did:op:data' }], { did: 'did:op:algo' }), ME, { resolve, reachable: async () => true });
    assert.equal(fine.length, 2);
  });
});

describe('withServiceIds: the request with the checked service ids filled in', function () {
  it('fills each published asset from its own check and leaves the rest as they were', async function () {
    const { resolve } = catalogue({ 'did:op:data': [compute('c1')], 'did:op:extra': [access('x0'), compute('x1')], 'did:op:algo': [access('g0')] });
    const url = { fileObject: { type: 'url' as const, url: 'http://127.0.0.1/data.csv', method: 'GET' } };
    const original = request([{ did: 'did:op:data' }, url, { did: 'did:op:extra', userdata: { a: 1 } }], { did: 'did:op:algo' });
    const filled = withServiceIds(original, await checkAssets(original, ME, { resolve }));
    assert.deepEqual(filled, {
      environment: 'env',
      datasets: [{ did: 'did:op:data', serviceId: 'c1' }, url, { did: 'did:op:extra', serviceId: 'x1', userdata: { a: 1 } }],
      algorithm: { did: 'did:op:algo', serviceId: 'g0' },
    });
    assert.equal(original.datasets[0] && 'serviceId' in original.datasets[0], false);
  });

  it('keeps a raw algorithm as it is', function () {
    const original = request([], raw);
    assert.equal(withServiceIds(original, []).algorithm, raw);
  });
});
