import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DASHBOARD_MODULE, installedDashboard } from '../../scripts/dashboard';
import { demoCredentials, demoFlows } from '../../scripts/demo-flows';
import { startLocalStack, type Stack } from '../../scripts/stack';
import { installModules, startNodeRedProcess, testSettings, type NodeRedProcess } from '../helpers/node-red-process';
import { packedPackage } from '../helpers/packed-package';
import { DashboardPage } from './dashboard';
import { Editor, launchBrowser } from './editor';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const PALETTE_TYPES = ['c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'];

/**
 * The editor as a user meets it: the packed package installed the palette manager's way into a
 * real Node-RED, driven in headless Chromium with the mouse. Screenshots go to
 * reports/editor-screenshots/.
 */
describe('the editor in a real browser (packed package, Node-RED 4.1, headless Chromium)', function () {
  this.timeout(120_000);
  let stack: Stack;
  let userDir: string;
  let red: NodeRedProcess;
  let browser: Browser;
  let editor: Editor;

  before(async function () {
    const packed = await packedPackage();
    stack = await startLocalStack({ dialect: 'ocean-node', sandboxPort: 0, anvilPort: 0 });
    userDir = mkdtempSync(join(tmpdir(), 'ocean-c2d-editor-'));
    const dashboard = installedDashboard();
    if (!dashboard) throw new Error(`${DASHBOARD_MODULE} is a devDependency: run npm ci`);
    // The package as users get it, and FlowFuse Dashboard for example 08, both installed the palette manager's way.
    installModules(userDir, { '@ocean-c2d/node-red': join(packed.nodeModules, '@ocean-c2d', 'node-red'), [DASHBOARD_MODULE]: dashboard.dir });
    writeFileSync(join(userDir, 'settings.js'), testSettings({ oceanC2dMinPollInterval: 1 }));
    red = await startNodeRedProcess({ userDir, env: stack.env });
    browser = await launchBrowser();
    editor = await Editor.open(browser, red.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await editor.screenshot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
    await editor.closeTrays();
  });

  after(async function () {
    await browser?.close();
    await red?.stop();
    await stack?.close();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it('drops each node from the palette: opened and closed with Done, it lacks only its connection', async function () {
    for (const [i, type] of PALETTE_TYPES.entries()) {
      const id = await editor.dropFromPalette(type, { x: 180, y: 60 + i * 70 });
      await editor.openNode(id);
      await editor.screenshot(`dialog-new-${type}`, 'tray');
      await editor.done();
      assert.deepEqual((await editor.node(id))?.validationErrors, ['server'], `${type}: only the connection is missing`);
    }
  });

  it('adds a connection from a node\'s dialog, under its own name, and the node is then valid', async function () {
    const [start] = await editor.nodes({ type: 'compute-start' });
    await editor.openNode(start!.id);
    await editor.page.click('#node-input-btn-server-add');
    await editor.page.waitForSelector('#node-config-dialog-ok', { state: 'visible' });
    await editor.page.waitForTimeout(300);
    const title = await editor.page.locator('.red-ui-tray-titlebar').last().innerText();
    assert.match(title, /Ocean C2D connection/, 'the dialog names the connection, not its type');
    await editor.screenshot('dialog-new-connection', 'tray');
    await editor.page.fill('#node-config-input-providerUrl', '${OCEAN_PROVIDER_URL}');
    // Each job store shows only its own fields; the Redis URL is a password field.
    const shown = async (): Promise<string[]> => {
      const fields = ['contextStore', 'redisUrl', 'owner'];
      const visible = await Promise.all(fields.map((field) => editor.page.locator(`#node-config-input-${field}`).isVisible()));
      return fields.filter((_field, i) => visible[i]);
    };
    assert.equal(await editor.page.locator('#node-config-input-jobStore').inputValue(), 'file');
    assert.deepEqual(await shown(), []);
    await editor.page.selectOption('#node-config-input-jobStore', 'context');
    assert.deepEqual(await shown(), ['contextStore']);
    await editor.page.selectOption('#node-config-input-jobStore', 'redis');
    assert.deepEqual(await shown(), ['redisUrl', 'owner']);
    assert.equal(await editor.page.locator('#node-config-input-redisUrl').getAttribute('type'), 'password');
    await editor.screenshot('dialog-connection-redis', 'tray');
    await editor.page.selectOption('#node-config-input-jobStore', 'file');
    await editor.page.click('#node-config-dialog-ok');
    await editor.page.waitForSelector('#node-config-dialog-ok', { state: 'detached' });
    const option = await editor.page.locator('#node-input-server option:checked').innerText();
    assert.doesNotMatch(option, /ocean-c2d-config/);
    await editor.done();
    const [connection] = await editor.configNodes();
    assert.equal(connection?.type, 'ocean-c2d-config');
    assert.deepEqual(connection?.validationErrors ?? [], []);
    assert.deepEqual((await editor.node(start!.id))?.validationErrors, []);
  });

  it('shows Inputs, Outputs and Details in every node\'s help', async function () {
    for (const type of PALETTE_TYPES) {
      const [node] = await editor.nodes({ type });
      const headings = await editor.helpHeadings(node!.id);
      for (const section of ['Inputs', 'Outputs', 'Details']) assert.ok(headings.includes(section), `${type} help has ${section}: ${headings.join(', ')}`);
    }
    await editor.screenshot('help-compute-start');
  });

  it('imports every example one after another through Import > Examples, without a conflict, and deploys them all valid', async function () {
    await editor.load(red.url); // a fresh editor: nothing deployed yet
    const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')).sort();
    for (const file of files) {
      await editor.page.click('#red-ui-header-button-sidemenu');
      await editor.page.click('#menu-item-import');
      await editor.page.locator('#red-ui-clipboard-dialog-import-tabs a', { hasText: 'Examples' }).click();
      const library = editor.page.locator('#red-ui-clipboard-dialog-import-tab-examples');
      const folder = library.locator('.red-ui-treeList-label', { hasText: '@ocean-c2d/node-red' }).first();
      const item = library.locator('.red-ui-treeList-label', { hasText: file.replace(/\.json$/, '') }).first();
      await folder.waitFor();
      // The tree keeps a folder open between imports (its container then has the class "expanded"); open it only when closed.
      if (!(await folder.locator('xpath=..').evaluate((container) => container.classList.contains('expanded')))) await folder.click();
      // The tree can still be filling in or sliding open when the item is clicked, and the click
      // then selects nothing: click again until the Import button is enabled (bounded).
      const importButton = editor.page.locator('#red-ui-clipboard-dialog-ok:not([disabled])');
      for (let click = 1; ; click++) {
        await item.click();
        if (await importButton.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
        assert.ok(click < 6, `${file}: the Import button stayed disabled after ${click} clicks on the example`);
      }
      await editor.page.click('#red-ui-clipboard-dialog-ok');
      // The example's flow tab comes in, or a conflict notice stops it.
      const tab = (JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Array<{ type: string; label?: string }>).find((n) => n.type === 'tab')!.label!;
      await editor.untilTabOr(tab, 'already exist');
      const conflict = await editor.page.locator('.red-ui-notification', { hasText: 'already exist' }).count();
      assert.equal(conflict, 0, `importing ${file} after the others raised a conflict`);
      // The imported nodes follow the pointer until a click drops them.
      await editor.page.mouse.click(700, 400);
      await editor.untilIdle();
    }
    await editor.screenshot('examples-imported');
    const unknown = await editor.page.evaluate(() => {
      const list: string[] = [];
      const { RED } = window as unknown as { RED: { nodes: { eachNode(cb: (n: { type: string }) => void): void; getType(t: string): unknown } } };
      RED.nodes.eachNode((n) => {
        if (!RED.nodes.getType(n.type)) list.push(n.type);
      });
      return list;
    });
    assert.deepEqual(unknown, [], 'no "unknown" node type');
    await editor.page.click('#red-ui-header-button-deploy');
    await editor.page.locator('.red-ui-notification', { hasText: /deployed/i }).waitFor({ timeout: 60_000 });
    assert.equal(await editor.page.locator('.red-ui-notification', { hasText: 'not properly configured' }).count(), 0);
    const invalid = [...(await editor.nodes()), ...(await editor.configNodes())].filter((n) => n.valid === false).map((n) => `${n.type} ${n.id}: ${String(n.validationErrors)}`);
    assert.deepEqual(invalid, []);
    assert.equal((await editor.configNodes()).filter((n) => n.type === 'ocean-c2d-config').length, files.length, 'each example brought its own connection');
  });

  it('keeps every package node and connection of every example valid after an unchanged edit', async function () {
    // 21 dialogs, each opened, photographed and closed: about 75 s on a quiet machine, twice that on a busy one.
    this.timeout(240_000);
    const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')).sort();
    for (const file of files) {
      const nodes = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Array<{ id: string; type: string; label?: string }>;
      await editor.showTab(nodes.find((n) => n.type === 'tab')!.label!);
      const ours = nodes.filter((n) => /^(compute-|c2d-)/.test(n.type));
      for (const [i, node] of ours.entries()) {
        await editor.openNode(node.id);
        await editor.screenshot(`dialog-example-${node.id}`, 'tray');
        if (i === 0) {
          // The example's connection, through the pencil beside it, and Update.
          await editor.page.click('#node-input-btn-server-edit');
          await editor.page.waitForSelector('#node-config-dialog-ok', { state: 'visible' });
          await editor.page.waitForTimeout(150);
          await editor.screenshot(`dialog-example-connection-${file.slice(0, 2)}`, 'tray');
          await editor.page.click('#node-config-dialog-ok');
          await editor.page.waitForSelector('#node-config-dialog-ok', { state: 'detached' });
        }
        await editor.done();
        assert.deepEqual((await editor.node(node.id))?.validationErrors, [], `${file}: ${node.type} ${node.id} after Done`);
      }
    }
    const invalid = (await editor.configNodes()).filter((n) => n.valid === false).map((n) => `${n.id}: ${String(n.validationErrors)}`);
    assert.deepEqual(invalid, [], 'every connection still valid');
  });

  /**
   * What npm start deploys: the examples on one connection that polls every 5 s. Deployed once
   * for the tests that use it, whichever runs first: each deploy starts example 08's schedules,
   * and the sandbox, as an Ocean Node, answers 30 requests a minute.
   */
  let demoDeployed: Promise<void> | undefined;
  const deployDemoFlows = (): Promise<void> =>
    (demoDeployed ??= (async () => {
      const flows = demoFlows('5').map((node) => (node.type === 'ocean-c2d-config' ? { ...node, credentials: demoCredentials()[node.id] } : node));
      const deployed = await fetch(`${red.url}/flows`, { method: 'POST', headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' }, body: JSON.stringify(flows) });
      assert.equal(deployed.status, 204);
    })());

  it('the user path: example 02\'s inject button, and the statistics in the debug sidebar', async function () {
    await deployDemoFlows();
    await editor.load(red.url);
    await editor.showTab('Free compute on sensor readings');
    await editor.showSidebar('debug');
    const started = Date.now();
    await editor.page.locator('#red-ui-workspace-chart [id="ex2-i"] .red-ui-flow-node-button').click();
    const statistics = editor.page.locator('.red-ui-debug-msg', { hasText: 'greenhouse-1' });
    await statistics.first().waitFor({ timeout: 60_000 });
    const text = await statistics.first().innerText();
    assert.match(text, /statistics/);
    assert.match(text, /mean/);
    process.stdout.write(`      (statistics in the debug sidebar ${((Date.now() - started) / 1000).toFixed(1)} s after the click)\n`);
    await editor.screenshot('debug-sidebar-statistics');
  });

  it('example 08 at /dashboard: the start button\'s job, its log live, and the job finished in the table', async function () {
    // Each wait below fails only when its event never comes; a busy machine may need all of it.
    this.timeout(300_000);
    await deployDemoFlows();
    const dashboard = await DashboardPage.open(browser, red.url);
    try {
      assert.match(dashboard.page.url(), /\/dashboard\/ocean-c2d$/, 'the dashboard opens on the example\'s page');
      const started = Date.now();
      const jobId = await dashboard.startJob(60_000);
      assert.match(jobId, /^0x[0-9a-f]{64}-[0-9a-f]+$/);
      // Live: the first readings show while the job runs, seconds before it ends (a log read at
      // the end would show them all within a moment of its last line).
      const early = await dashboard.logWhere(/^reading 1 of 40: [\d.]+ °C$(?![^]*^job finished)/m, 60_000);
      const firstSeen = Date.now();
      const log = await dashboard.logWhere(/^job finished: /m, 90_000);
      const shownEarly = early.match(/^reading \d+ of 40/gm)?.length ?? 0;
      const ahead = Date.now() - firstSeen;
      // Some readings, not all, and no end line yet: the log was shown while the job ran.
      assert.ok(shownEarly < 40, `${shownEarly} readings shown ${ahead} ms before the end`);
      assert.equal(log.match(/^reading \d+ of 40: -?[\d.]+ °C$/gm)?.length, 40, log);
      assert.match(log, /^done: mean of 40 readings [\d.]+ °C$/m);
      await dashboard.waitForRow(jobId, 'finished', 60_000);
      process.stdout.write(`      (${shownEarly} of 40 readings in the log ${(ahead / 1000).toFixed(1)} s before the job's end; finished in the table ${((Date.now() - started) / 1000).toFixed(1)} s after the click)\n`);
      // The scheduled statistics job started with the deploy; its three points are in the chart's store.
      const points = await waitFor(async () => {
        const stored = (await (await fetch(`${red.url}/dashboard/_debug/datastore/ex8-chart`)).json()) as Array<{ topic: string; payload: number }> | null;
        return stored && stored.length >= 3 ? stored : undefined;
      }, 60_000);
      assert.deepEqual(points.slice(0, 3).map((point) => point.topic), ['mean', 'min', 'max']);
      await dashboard.screenshot('dashboard-example-08');
      assert.deepEqual(dashboard.errors, [], 'no error in the dashboard\'s console');
    } catch (error) {
      await dashboard.screenshot('failed-dashboard-example-08');
      throw error;
    } finally {
      await dashboard.close();
    }
  });

  it('shows no error in the browser console', function () {
    assert.deepEqual(editor.errors, []);
  });
});

/** Polls `read` every 200 ms until it answers something (fails after `ms`). */
async function waitFor<T>(read: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`nothing within ${ms} ms`);
}
