import assert from 'node:assert/strict';
import { mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD_MODULE, installedDashboard } from '../../scripts/dashboard';
import { CONNECTION_ID } from '../../scripts/demo-flows';
import { prepareUserDir } from '../../scripts/user-dir';
import { startNodeRedProcess } from '../helpers/node-red-process';

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  server?: string;
}

const TABS = ['ex1', 'ex2', 'ex3', 'ex4', 'ex5', 'ex6', 'ex7'];

describe('npm start and FlowFuse Dashboard (a devDependency, for example 08)', function () {
  this.timeout(60_000);
  let dir: string;
  const options = { uiPort: 0, replaceFlows: true, forgetJobs: true, pollInterval: '5' };
  const flows = async (): Promise<FlowNode[]> => JSON.parse(await readFile(join(dir, 'flows.json'), 'utf8')) as FlowNode[];
  const dependencies = async (): Promise<Record<string, string>> =>
    (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), 'ocean-c2d-dashboard-'));
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('installs the project\'s dashboard into the user directory as the palette manager would, and deploys example 08 on the shared connection', async function () {
    const dashboard = installedDashboard();
    assert.ok(dashboard, `${DASHBOARD_MODULE} is a devDependency, so npm ci installs it`);
    assert.deepEqual(prepareUserDir(dir, options), { dashboard: true });
    assert.equal(await realpath(join(dir, 'node_modules', DASHBOARD_MODULE)), await realpath(dashboard.dir));
    assert.deepEqual(Object.keys(await dependencies()).sort(), ['@flowfuse/node-red-dashboard', '@ocean-c2d/node-red']);
    const nodes = await flows();
    assert.deepEqual(nodes.filter((n) => n.type === 'tab').map((n) => n.id), [...TABS, 'ex8']);
    assert.equal(nodes.find((n) => n.id === 'ex8-start')?.server, CONNECTION_ID);
    assert.deepEqual(nodes.filter((n) => n.type === 'ui-base').map((n) => n.id), ['ex8-ui-base']);
  });

  it('leaves the dashboard and example 08 out for the headless demo, and the other examples as they were', async function () {
    prepareUserDir(dir, options);
    assert.deepEqual(prepareUserDir(dir, { ...options, dashboard: false }), { dashboard: false });
    await assert.rejects(stat(join(dir, 'node_modules', DASHBOARD_MODULE)), { code: 'ENOENT' }, 'the link of the earlier run is gone');
    assert.deepEqual(Object.keys(await dependencies()), ['@ocean-c2d/node-red']);
    const nodes = await flows();
    assert.deepEqual(nodes.filter((n) => n.type === 'tab').map((n) => n.id), TABS);
    assert.deepEqual(nodes.filter((n) => n.type.startsWith('ui-')), [], 'no node type Node-RED would miss (it would start no flow at all)');
  });

  it('says when the flows kept from an earlier run predate example 08', async function () {
    prepareUserDir(dir, { ...options, dashboard: false });
    assert.deepEqual(prepareUserDir(dir, { ...options, replaceFlows: false }), { dashboard: false }, 'npm start then points at --reset');
    await writeFile(join(dir, 'flows.json'), 'not JSON');
    assert.deepEqual(prepareUserDir(dir, { ...options, replaceFlows: false }), { dashboard: false });
    assert.deepEqual(prepareUserDir(dir, options), { dashboard: true });
  });

  it('Node-RED loads the dashboard from the user directory and serves example 08 at /dashboard', async function () {
    prepareUserDir(dir, options);
    const red = await startNodeRedProcess({ userDir: dir });
    try {
      // The editor answers before the flows have started; the dashboard's routes come with its ui-base.
      await red.untilOutput(/\[ui-base:Ocean C2D\] Node-RED Dashboard 2\.0 \(v\d+\.\d+\.\d+\) started at \/dashboard/, 20_000);
      const sets = (await (await fetch(`${red.url}/nodes`, { headers: { accept: 'application/json' } })).json()) as Array<{ module: string; local?: boolean; types: string[] }>;
      const ui = sets.filter((set) => set.module === DASHBOARD_MODULE);
      assert.ok(ui.some((set) => set.types.includes('ui-table')));
      assert.ok(ui.every((set) => set.local), 'loaded from the user directory, not found beside Node-RED');
      const page = await fetch(`${red.url}/dashboard`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>FlowFuse Dashboard<\/title>/);
      const setup = (await (await fetch(`${red.url}/dashboard/_setup`)).json()) as { socketio: { path: string } };
      assert.equal(setup.socketio.path, '/dashboard/socket.io');
    } finally {
      await red.stop();
    }
  });
});
