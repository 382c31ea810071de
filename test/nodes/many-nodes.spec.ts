import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OceanConfigNode } from '../../src/nodes/lib/config-node';
import { helper, packageNode, placed, type FlowNode } from '../helpers/node-red';

const NODES = [packageNode('ocean-c2d-config'), packageNode('compute-status'), packageNode('compute-start')];
const FOLLOWERS = 12;

/** Many nodes following jobs on one connection, as the examples deployed together have. */
describe('many nodes on one connection', function () {
  let userDir: string;
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };

  beforeEach(async function () {
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-many-nodes-'));
    helper.settings({ userDir } as Parameters<typeof helper.settings>[0]);
    warnings.length = 0;
    process.on('warning', onWarning);
  });

  afterEach(async function () {
    process.removeListener('warning', onWarning);
    await helper.unload();
    await rm(userDir, { recursive: true, force: true });
  });

  it('each following node listens to the connection\'s tracker once, without a leak warning, and stops listening when it closes', async function () {
    const nodes: FlowNode[] = [
      { id: 'f1', type: 'tab' },
      // No wallet key and an address nothing listens on: nothing is sent.
      { id: 'cfg', type: 'ocean-c2d-config', providerUrl: 'http://127.0.0.1:9', chainId: '8996' },
    ];
    for (let i = 0; i < FOLLOWERS; i++) {
      nodes.push({ id: `status${i}`, type: 'compute-status', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', mode: 'follow', modeType: 'mode', wires: [[], []] });
    }
    await helper.load(NODES, placed(nodes), {});
    const tracker = (helper.getNode('cfg') as unknown as OceanConfigNode).getTracker();
    // The connection listens for ends and errors itself (jobs whose node is gone, store failures).
    const own = { change: 0, done: 1, timeout: 1, error: 1 };
    for (const event of ['change', 'done', 'timeout', 'error'] as const) assert.equal(tracker.listenerCount(event), FOLLOWERS + own[event], `${event} listeners`);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
    await helper.unload();
    for (const event of ['change', 'done', 'timeout', 'error'] as const) assert.equal(tracker.listenerCount(event), own[event], `${event} listeners after the flow closed`);
  });
});
