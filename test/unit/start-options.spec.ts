import assert from 'node:assert/strict';
import type { Node, NodeMessage } from 'node-red';
import { readStartOptions, type StartConfig } from '../../src/nodes/lib/start-options';
import type { OceanError } from '../../src/ocean/errors';
import { failure } from '../helpers/failure';
import { RED_UTIL } from '../helpers/red-util';

const RED = RED_UTIL;
const node = {} as Node;
const DID = 'did:op:0f1d3e7b5c0e2a1a6f45b5d2c3a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1';
const ALGO = 'did:op:aaaa';

const plan = (config: StartConfig, msg: Record<string, unknown> = {}) => readStartOptions(RED, node, msg as NodeMessage, config);
const refusal = (config: StartConfig, msg: Record<string, unknown> = {}): Promise<OceanError> => failure(plan(config, msg));

describe('readStartOptions: what compute-start sends, from its dialog and (where allowed) the message', function () {
  it('a DID dataset with its service and userdata, a published algorithm with its service, free by default, the picked environment', async function () {
    const { request, environment } = await plan({ dataset: DID, datasetService: 'svc-1', algorithm: ALGO, algorithmService: 'algo-svc', userdata: '{"k":"v"}', environment: 'env-9', environmentType: 'str' });
    assert.deepEqual(request, {
      datasets: [{ did: DID, serviceId: 'svc-1', userdata: { k: 'v' } }],
      algorithm: { did: ALGO, serviceId: 'algo-svc' },
      algocustomdata: undefined,
      free: true,
      maxJobDuration: undefined,
      resources: undefined,
    });
    assert.equal(environment, 'env-9');
  });

  it('takes datasets, their service, userdata and algocustomdata from the message when the fields are blank', async function () {
    const msg = { dataset: [DID, 'http://127.0.0.1/a.csv'], datasetServiceId: 'svc-m', additionalDatasets: { url: 'https://x.example/b', method: 'post' }, userdata: { u: 1 }, algocustomdata: { n: 3 } };
    const { request } = await plan({ algorithm: ALGO }, msg);
    assert.deepEqual(request.datasets, [
      { did: DID, serviceId: 'svc-m', userdata: { u: 1 } },
      { fileObject: { type: 'url', url: 'http://127.0.0.1/a.csv', method: 'get' }, userdata: { u: 1 } },
      { fileObject: { type: 'url', url: 'https://x.example/b', method: 'post' }, userdata: { u: 1 } },
    ]);
    assert.deepEqual(request.algocustomdata, { n: 3 });
  });

  it("keeps a dataset object's own userdata and passes {did} and {fileObject} objects as given", async function () {
    const own = { did: DID, userdata: { mine: true } };
    const file = { fileObject: { type: 'url', url: 'http://127.0.0.1/c', method: 'get' } };
    const { request } = await plan({ algorithm: ALGO, userdata: '{"shared":1}' }, { dataset: [own, file] });
    assert.deepEqual(request.datasets, [own, { ...file, userdata: { shared: 1 } }]);
  });

  it('never takes the algorithm, the tier, the duration or the resources from the message', async function () {
    const msg = { algorithm: 'did:op:evil', tier: 'paid', free: false, maxJobDuration: 99999, resources: [{ id: 'gpu', amount: 8 }], algorithmCode: 'rm -rf /' };
    const error = await refusal({ dataset: DID }, msg);
    assert.equal(error.message, 'algorithm: expected a published algorithm (DID) or code to run');
    const { request } = await plan({ dataset: DID, algorithm: ALGO }, msg);
    assert.equal(request.free, true);
    assert.equal(request.maxJobDuration, undefined);
    assert.equal(request.resources, undefined);
  });

  it('pays only when the dialog says paid (or a TypedInput the user pointed there says so)', async function () {
    assert.equal((await plan({ algorithm: ALGO, tier: 'paid' })).request.free, false);
    assert.equal((await plan({ algorithm: ALGO, tier: 'free' })).request.free, true);
    assert.equal((await plan({ algorithm: ALGO, tier: 'false', tierType: 'bool' } as StartConfig)).request.free, false);
    assert.equal((await plan({ algorithm: ALGO, tier: 'true', tierType: 'bool' } as StartConfig)).request.free, true);
    assert.equal((await plan({ algorithm: ALGO, tier: 'chosen', tierType: 'msg' } as StartConfig, { chosen: 'paid' })).request.free, false);
    const error = await refusal({ algorithm: ALGO, tier: 'gratis' });
    assert.equal(error.message, 'tier: expected one of "free", "paid", got "gratis"');
  });

  it('reads the duration and the resources from the dialog', async function () {
    const { request } = await plan({ algorithm: ALGO, maxJobDuration: '600', resources: '[{"id":"cpu","amount":2}]' });
    assert.equal(request.maxJobDuration, 600);
    assert.deepEqual(request.resources, [{ id: 'cpu', amount: 2 }]);
  });

  it('names the position of a bad dataset in a list, and the field alone for a single one', async function () {
    const listed = await refusal({ algorithm: ALGO }, { dataset: [DID, 'ftp://nope'] });
    assert.equal(listed.message, 'msg.dataset[1]: expected a DID ("did:op:…"), a URL ("http://…"), or an object {did, serviceId} / {url}, got "ftp://nope"');
    const single = await refusal({ algorithm: ALGO, dataset: 'not-a-did' });
    assert.equal(single.details?.field, 'dataset');
    const extra = await refusal({ algorithm: ALGO, additionalDatasets: '[{"name":"x"}]' });
    assert.equal(extra.details?.field, 'additionalDatasets');
    const numeric = await refusal({ algorithm: ALGO }, { dataset: 5 });
    assert.equal(numeric.details?.field, 'msg.dataset');
    for (const embedded of [`see ${DID}`, 'see http://127.0.0.1/a.csv']) {
      assert.equal((await refusal({ algorithm: ALGO }, { dataset: embedded })).details?.field, 'msg.dataset', embedded);
    }
    assert.equal((await refusal({ algorithm: `use ${ALGO}` })).details?.field, 'algorithm');
  });

  it('takes a dataset of null in the message as none', async function () {
    const { request } = await plan({ algorithm: ALGO }, { dataset: null, additionalDatasets: null });
    assert.deepEqual(request.datasets, []);
  });

  it('takes a URL that merely contains "did:op" as a URL', async function () {
    const { request } = await plan({ algorithm: ALGO, dataset: 'https://x.example/did:op:1' });
    assert.deepEqual(request.datasets, [{ fileObject: { type: 'url', url: 'https://x.example/did:op:1', method: 'get' } }]);
  });

  it('a service id applies to the first dataset only', async function () {
    const { request } = await plan({ algorithm: ALGO, dataset: `["${DID}", "did:op:second"]`, datasetService: 'svc' });
    assert.deepEqual(request.datasets, [{ did: DID, serviceId: 'svc' }, { did: 'did:op:second' }]);
  });

  it('runs code typed into the node in the chosen preset container, with the checksum', async function () {
    const node20 = await plan({ algorithmCode: 'console.log(1)' });
    assert.deepEqual(node20.request.algorithm, { meta: { container: { entrypoint: 'node $ALGO', image: 'node', tag: '20-alpine' }, rawcode: 'console.log(1)' } });
    const python = await plan({ algorithmCode: 'print(1)', container: 'python', checksum: 'sha256:abc' });
    assert.deepEqual(python.request.algorithm, { meta: { container: { entrypoint: 'python3 $ALGO', image: 'python', tag: '3.11-slim', checksum: 'sha256:abc' }, rawcode: 'print(1)' } });
    const blank = await refusal({ algorithmCode: '   \n' });
    assert.equal(blank.message, 'algorithm: expected a published algorithm (DID) or code to run');
  });

  it('runs code in a custom container as typed, the tag "latest" when left blank', async function () {
    const custom = await plan({ algorithmCode: 'x', container: 'custom', image: 'my/img', entrypoint: 'run $ALGO', tag: '' });
    assert.deepEqual(custom.request.algorithm, { meta: { container: { entrypoint: 'run $ALGO', image: 'my/img', tag: 'latest' }, rawcode: 'x' } });
    const empty = await plan({ algorithmCode: 'x', container: 'custom' });
    assert.deepEqual(empty.request.algorithm, { meta: { container: { entrypoint: '', image: '', tag: 'latest' }, rawcode: 'x' } });
  });

  it('takes an algorithm object from where the user pointed the field: {did}, {meta}, {container, rawcode}, {rawcode}', async function () {
    const at = (algorithm: unknown) => plan({ algorithm: 'algo', algorithmType: 'msg', container: 'shell' } as StartConfig, { algo: algorithm }).then((p) => p.request.algorithm);
    assert.deepEqual(await at({ did: ALGO, serviceId: 's' }), { did: ALGO, serviceId: 's' });
    const meta = { meta: { container: { entrypoint: 'e', image: 'i', tag: 't' }, rawcode: 'c' } };
    assert.deepEqual(await at(meta), meta);
    assert.deepEqual(await at({ container: { entrypoint: 'e', image: 'i', tag: 't' }, rawcode: 'c' }), meta);
    assert.deepEqual(await at({ rawcode: 'echo hi' }), { meta: { container: { entrypoint: 'sh $ALGO', image: 'busybox', tag: 'latest' }, rawcode: 'echo hi' } });
    assert.deepEqual(await at(`${ALGO}`), { did: ALGO });
  });

  it('refuses an algorithm that is text but not a DID, or an object of no known shape', async function () {
    const text = await refusal({ algorithm: 'algo', algorithmType: 'msg' } as StartConfig, { algo: 'print(1)' });
    assert.equal(text.message, 'algorithm: expected a DID ("did:op:…") or an object {did, serviceId} / {meta} / {rawcode}, got "print(1)"');
    const shapeless = await refusal({ algorithm: 'algo', algorithmType: 'msg' } as StartConfig, { algo: { rawcode: '' } });
    assert.equal(shapeless.message, 'algorithm: expected an object {did, serviceId}, {meta: {container, rawcode}} or {rawcode}, got a object');
    const list = await refusal({ algorithm: 'algo', algorithmType: 'msg' } as StartConfig, { algo: [ALGO] });
    assert.equal(list.details?.field, 'msg.algo');
  });

  it('falls back to the typed code when the algorithm field points at nothing', async function () {
    const { request } = await plan({ algorithm: 'missing', algorithmType: 'msg', algorithmCode: 'console.log(2)' } as StartConfig, {});
    assert.deepEqual(request.algorithm, { meta: { container: { entrypoint: 'node $ALGO', image: 'node', tag: '20-alpine' }, rawcode: 'console.log(2)' } });
    const empty = await plan({ algorithm: 'algo', algorithmType: 'msg', algorithmCode: 'console.log(2)' } as StartConfig, { algo: '' });
    assert.deepEqual(empty.request.algorithm, request.algorithm);
  });

  it('picks an environment by kind when set to pick, or when the field is left blank (free by default)', async function () {
    assert.deepEqual((await plan({ algorithm: ALGO, environment: 'paid', environmentType: 'envpick' })).environment, { pick: 'paid' });
    assert.deepEqual((await plan({ algorithm: ALGO, environment: 'any', environmentType: 'envpick' })).environment, { pick: 'any' });
    assert.deepEqual((await plan({ algorithm: ALGO, environment: 'bogus', environmentType: 'envpick' })).environment, { pick: 'free' });
    assert.deepEqual((await plan({ algorithm: ALGO })).environment, { pick: 'free' });
    assert.deepEqual((await plan({ algorithm: ALGO }, { environment: 'from-msg' })).environment, { pick: 'free' }, 'the environment never comes from the message by itself');
    assert.equal((await plan({ algorithm: ALGO, environment: 'env', environmentType: 'msg' }, { env: 'chosen' })).environment, 'chosen');
  });
});
