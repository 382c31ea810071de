import assert from 'node:assert/strict';
import { startSandbox, type Sandbox, type SandboxDialect } from '../../sandbox';
import { helper, placed, packageNode, sendAndWait, statusCalls, type FlowNode, type Received } from '../helpers/node-red';

const configNode = packageNode('ocean-c2d-config');
const envsNode = packageNode('c2d-envs');

interface FlowOptions {
  providerUrl: string;
  chainId?: string;
  envs?: Record<string, unknown>;
}

function flow({ providerUrl, chainId = '8996', envs = {} }: FlowOptions): FlowNode[] {
  return placed([
    { id: 'f1', type: 'tab' },
    { id: 'cfg', type: 'ocean-c2d-config', providerUrl, aquariusUrl: '', chainId, rpcUrl: '' },
    {
      id: 'envs',
      type: 'c2d-envs',
      z: 'f1',
      server: 'cfg',
      mode: 'list',
      modeType: 'mode',
      tier: 'any',
      tierType: 'tier',
      ...envs,
      wires: [['out']],
    },
    { id: 'out', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f1' },
  ]);
}

interface EnvPayload {
  id: string;
  isFree: boolean;
  backend: string;
  resources: Array<{ kind: string; max?: number }>;
  raw: Record<string, unknown>;
}

function send(msg: Record<string, unknown>): Promise<Record<string, Received>> {
  return sendAndWait('envs', msg, ['out', 'caught']);
}

for (const dialect of ['ocean-node', 'provider-v2'] as SandboxDialect[]) {
  describe(`c2d-envs against the ${dialect} sandbox`, function () {
    let sandbox: Sandbox;

    beforeEach(async function () {
      sandbox = await startSandbox({ dialect });
    });

    afterEach(async function () {
      await helper.unload();
      await sandbox.close();
    });

    it('lists every environment of the chain, normalised, keeping the other message properties', async function () {
      await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url }));
      const { out } = await send({ topic: 'sensor-7', payload: 'tick' });
      assert.ok(out, 'expected an output message');
      const envs = out.payload as EnvPayload[];
      assert.equal(envs.length, 2);
      assert.equal(out.topic, 'sensor-7');
      assert.deepEqual(
        envs.map((e) => [e.backend, e.isFree]),
        [
          [dialect, true],
          [dialect, false],
        ],
      );
      if (dialect === 'provider-v2') assert.equal(envs[1]!.raw.priceMin, '0.5', 'raw keeps the server fields');
      else assert.ok(envs[0]!.raw.free, 'raw keeps the Ocean Node free block');
      const calls = statusCalls('envs');
      assert.deepEqual(calls[0], { fill: 'blue', shape: 'ring', text: 'c2d-envs.status.requesting' });
      assert.equal(calls.at(-1)!.fill, 'green');
    });

    it('picks the first free environment and puts its id on msg.ocean', async function () {
      await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url, envs: { mode: 'pick', tier: 'free' } }));
      const { out } = await send({ payload: 1, ocean: { jobId: 'kept' } });
      const env = out!.payload as EnvPayload;
      assert.equal(env.isFree, true);
      assert.deepEqual(out!.ocean, { jobId: 'kept', backend: dialect, chainId: 8996, environment: env.id });
    });

    it('picks by constraints set in the node (a GPU)', async function () {
      await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url, envs: { mode: 'pick', minGpu: '1', minGpuType: 'num' } }));
      const { out } = await send({});
      const env = out!.payload as EnvPayload;
      assert.ok(env.resources.some((r) => r.kind === 'gpu' && (r.max ?? 0) >= 1));
    });

    it('takes mode and constraints from the message where the node leaves them blank, without changing the node', async function () {
      await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url, envs: { mode: '', minCpu: 'cpus', minCpuType: 'msg' } }));
      const picked = await send({ mode: 'pick', cpus: 4 });
      const env = picked.out!.payload as EnvPayload;
      assert.equal(env.isFree, false, 'only the paid GPU environment has 4 CPUs');
      const listed = await send({ cpus: 1, constraints: { free: true } });
      assert.equal((listed.out!.payload as EnvPayload[]).length, 1, 'msg.constraints narrows the list to the free one');
      const all = await send({});
      assert.equal((all.out!.payload as EnvPayload[]).length, 2, 'the next message is not affected');
    });
  });
}

describe('c2d-envs errors reach a Catch node and the node keeps working', function () {
  let sandbox: Sandbox;

  beforeEach(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node' });
  });

  afterEach(async function () {
    await helper.unload();
    await sandbox.close();
  });

  async function expectCaught(msg: Record<string, unknown>, code: string, text: RegExp, httpStatus?: number): Promise<void> {
    const { caught, out } = await send(msg);
    assert.ok(caught, `expected an error, got output ${JSON.stringify(out?.payload)?.slice(0, 80)}`);
    const error = caught.error as { message: string; code: string; cause: { httpStatus?: number; retryable: boolean } };
    assert.equal(error.code, code);
    assert.match(error.message, text);
    assert.doesNotMatch(error.message, /\[object Object\]/);
    if (httpStatus !== undefined) assert.equal(error.cause.httpStatus, httpStatus);
    assert.equal(typeof error.cause.retryable, 'boolean');
    assert.equal(statusCalls('envs').at(-1)!.fill, 'red');
  }

  async function expectWorks(): Promise<void> {
    const { out } = await send({});
    assert.ok(out, 'the node answers the next message');
    assert.equal(statusCalls('envs').at(-1)!.fill, 'green');
  }

  it('server down, then up again', async function () {
    const port = Number(new URL(sandbox.url).port);
    await sandbox.close();
    await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url }));
    await expectCaught({}, 'UNREACHABLE', /cannot reach http:\/\/127\.0\.0\.1:\d+\/ \(connection refused\)/);
    sandbox = await startSandbox({ dialect: 'ocean-node', port });
    await expectWorks();
  });

  it('HTTP 500 with the server message', async function () {
    await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url }));
    await send({}); // backend detected
    sandbox.fail({ method: 'GET', path: '/api/services/computeEnvironments', status: 500, body: 'Internal Server Error' });
    await expectCaught({}, 'SERVER_ERROR', /computeEnvironments answered HTTP 500: Internal Server Error/, 500);
    await expectWorks();
  });

  it('HTTP 4xx with the JSON error of the server', async function () {
    await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url }));
    sandbox.fail({
      method: 'GET',
      path: '/api/services/computeEnvironments',
      status: 404,
      contentType: 'application/json',
      body: JSON.stringify({ error: '404 Not Found: compute is not enabled on this provider' }),
    });
    await expectCaught({}, 'NOT_FOUND', /HTTP 404: 404 Not Found: compute is not enabled on this provider/, 404);
    await expectWorks();
  });

  it('a body that is not JSON', async function () {
    await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url }));
    sandbox.fail({ method: 'GET', path: '/api/services/computeEnvironments', status: 200, body: '<html>captive portal</html>' });
    await expectCaught({}, 'BAD_RESPONSE', /body that is not JSON \("<html>captive portal<\/html>"\)/, 200);
    await expectWorks();
  });

  it('no environment matching', async function () {
    await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url, envs: { mode: 'pick' } }));
    await expectCaught({ constraints: { minCpu: 64 } }, 'NO_MATCHING_ENVIRONMENT', /No compute environment matches \(cpu >= 64\): .*offers 2 cpu per job, 64 wanted/);
    await expectWorks();
  });

  it('a constraint that is not a number names the field', async function () {
    await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url }));
    await expectCaught({ constraints: { minRam: 'lots' } }, 'INVALID_INPUT', /^msg\.constraints\.minRam: expected a number of 0 or more, got "lots"$/);
    await expectWorks();
  });

  it('a chain the server does not list', async function () {
    await helper.load([configNode, envsNode], flow({ providerUrl: sandbox.url, chainId: '137' }));
    await expectCaught({}, 'UNSUPPORTED_CHAIN', /chainId: http:\/\/127\.0\.0\.1:\d+ serves chain 8996, not 137/);
  });

  it('a malformed provider URL', async function () {
    await helper.load([configNode, envsNode], flow({ providerUrl: 'ocean node on my laptop' }));
    await expectCaught({}, 'INVALID_CONFIG', /providerUrl: expected the http\(s\) URL of an Ocean Node or Provider/);
  });

  it('no connection selected', async function () {
    const nodes = flow({ providerUrl: sandbox.url }).map((n) => (n.id === 'envs' ? { ...n, server: '' } : n));
    await helper.load([configNode, envsNode], nodes);
    await expectCaught({}, 'INVALID_CONFIG', /server: no Ocean C2D connection is selected/);
  });
});
