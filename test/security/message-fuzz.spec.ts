import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox';
import { testAccount } from '../helpers/accounts';
import { helper, packageNode, placed, sendAndWait } from '../helpers/node-red';

const NODES = ['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map(packageNode);
const wallet = testAccount(11);
const MESSAGES_PER_NODE = 1000;

/** Values an attacker's message may hold: wrong types, huge strings, paths, prototype keys, secrets to echo. */
const VALUES: unknown[] = [
  null,
  42,
  -1,
  Number.NaN,
  1e308,
  '',
  'x'.repeat(200_000),
  '../../../../etc/passwd',
  '/root/.node-red/nodes',
  '${OCEAN_PRIVATE_KEY}',
  '{"__proto__": {"polluted": true}}',
  JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
  { constructor: { prototype: { polluted: true } } },
  [],
  [null, {}, 'did:op:'],
  {},
  { did: 42 },
  { url: 'file:///etc/passwd' },
  { fileObject: { type: 'url', url: 'http://169.254.169.254/latest/meta-data/', method: 'get' } },
  true,
  'did:op:0000',
  'all',
  'follow',
  'file',
  Buffer.from('binary'),
];
const KEYS = [
  'jobId', 'dataset', 'additionalDatasets', 'algorithm', 'algorithmCode', 'algocustomdata', 'userdata', 'environment', 'free', 'tier',
  'maxJobDuration', 'resources', 'follow', 'followTimeout', 'result', 'format', 'folder', 'subfolder', 'maxBytes', 'unpack', 'mode',
  'constraints', 'ocean', 'payload', 'datasetServiceId', 'transferTxId',
];

/** A small deterministic generator, so a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('hostile messages: many malformed messages through every node', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let userDir: string;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-fuzz-'));
    helper.settings({ userDir } as Parameters<typeof helper.settings>[0]);
  });

  after(async function () {
    await helper.unload();
    await sandbox.close();
    await rm(userDir, { recursive: true, force: true });
  });

  it(`${MESSAGES_PER_NODE} messages per node: each ends on an output or at Catch with a code, the key never shows, no prototype is touched, and the nodes keep working`, async function () {
    const targets = ['envs', 'start', 'status', 'result', 'stop'];
    await helper.load(
      NODES,
      placed([
        { id: 'f1', type: 'tab' },
        { id: 'cfg', type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996' },
        { id: 'envs', type: 'c2d-envs', z: 'f1', server: 'cfg', mode: '', modeType: 'mode', wires: [['out']] },
        { id: 'start', type: 'compute-start', z: 'f1', server: 'cfg', environment: 'free', environmentType: 'envpick', tier: 'free', tierType: 'tier', algorithmCode: 'console.log(1)', container: 'node', wires: [['out']] },
        { id: 'status', type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: 'once', modeType: 'mode', wires: [['out'], ['out']] },
        { id: 'result', type: 'compute-result', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', result: '', resultType: 'kind', format: 'auto', formatType: 'format', unpack: true, wires: [['out']] },
        { id: 'stop', type: 'compute-stop', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', wires: [['out']] },
        { id: 'out', type: 'helper', z: 'f1' },
        { id: 'caught', type: 'helper', z: 'f1' },
        { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
      ]),
      { cfg: { privateKey: wallet.privateKey } },
    );
    const next = random(20261202);
    const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)]!;
    const counts = { out: 0, caught: 0, withoutCode: 0 };
    const seen: string[] = [];
    for (const target of targets) {
      for (let i = 0; i < MESSAGES_PER_NODE; i++) {
        const msg: Record<string, unknown> = {};
        for (let k = 0; k < 1 + Math.floor(next() * 5); k++) msg[pick(KEYS)] = pick(VALUES);
        const answer = await sendAndWait(target, msg, ['out', 'caught'], 10_000);
        if (answer.caught) {
          counts.caught += 1;
          if (!answer.caught.error?.code) counts.withoutCode += 1;
          seen.push(answer.caught.error?.message ?? '');
        } else {
          counts.out += 1;
        }
      }
    }
    assert.equal(counts.out + counts.caught, targets.length * MESSAGES_PER_NODE, 'every message ended somewhere');
    assert.equal(counts.withoutCode, 0, 'every error carries a code');
    assert.ok(counts.caught > 0 && counts.out > 0, `both outcomes were reached (${JSON.stringify(counts)})`);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype untouched');
    const bare = wallet.privateKey.slice(2).toLowerCase();
    assert.ok(!seen.join('\n').toLowerCase().includes(bare), 'no error shows the key');
    assert.ok(!JSON.stringify(helper.log().args).toLowerCase().includes(bare), 'no log line shows the key');
    const long = seen.filter((m) => m.length > 2000);
    assert.deepEqual(long.map((m) => m.slice(0, 300)), [], 'no error echoes a huge value');
    assert.ok(!existsSync(join(userDir, 'nodes')), 'nothing written where Node-RED loads code from');
    // Still working: a plain list of environments.
    const { out } = await sendAndWait('envs', { mode: 'list' }, ['out', 'caught']);
    assert.ok(Array.isArray(out?.payload));
  });
});
