import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';

/** Where screenshots of each dialog and of the debug sidebar go, for a person to look at (git-ignored). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'reports', 'editor-screenshots');

/** What the editor page exposes: just enough of Node-RED's editor API for the checks. */
interface EditorNode {
  id: string;
  type: string;
  z?: string;
  valid?: boolean;
  validationErrors?: string[];
  _def?: { category?: string };
}
interface EditorWindow {
  RED: {
    nodes: {
      getType(type: string): unknown;
      filterNodes(filter: { type?: string; z?: string }): EditorNode[];
      node(id: string): EditorNode | null;
      eachNode(callback: (node: EditorNode) => void): void;
      eachConfig(callback: (node: EditorNode) => void): void;
    };
    workspaces: { active(): string };
  };
}

/** Headless Chromium from npm (@sparticuz/chromium), so a fresh machine needs no browser of its own. */
export async function launchBrowser(): Promise<Browser> {
  // The background-networking flags keep Chromium from calling Google's hosts on a closed network.
  const args = [...chromium.args, '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}

export class Editor {
  /** Console errors and page errors seen so far. */
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(message.text());
    });
    page.on('pageerror', (error) => this.errors.push(`page error: ${error.message}`));
  }

  static async open(browser: Browser, url: string): Promise<Editor> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const editor = new Editor(page);
    await editor.load(url);
    return editor;
  }

  async load(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.waitForFunction(() => Boolean((window as unknown as EditorWindow).RED?.nodes?.getType('compute-start')), undefined, { timeout: 60_000 });
    await this.page.waitForSelector('.red-ui-palette-node[data-palette-type="compute-start"]');
  }

  /** The whole editor, or (for a dialog) just the edit tray on top. */
  async screenshot(name: string, what: 'page' | 'tray' = 'page'): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${name}.png`);
    if (what === 'tray') await this.page.locator('.red-ui-tray').last().screenshot({ path, animations: 'disabled' });
    else await this.page.screenshot({ path, animations: 'disabled' });
  }

  nodes(filter: { type?: string; z?: string } = {}): Promise<EditorNode[]> {
    return this.page.evaluate((f) => (window as unknown as EditorWindow).RED.nodes.filterNodes(f).map((n) => ({ id: n.id, type: n.type, z: n.z, valid: n.valid, validationErrors: n.validationErrors })), filter);
  }

  configNodes(): Promise<EditorNode[]> {
    return this.page.evaluate(() => {
      const list: EditorNode[] = [];
      (window as unknown as EditorWindow).RED.nodes.eachConfig((n) => list.push({ id: n.id, type: n.type, valid: n.valid, validationErrors: n.validationErrors }));
      return list;
    });
  }

  node(id: string): Promise<EditorNode | null> {
    return this.page.evaluate((nodeId) => {
      const n = (window as unknown as EditorWindow).RED.nodes.node(nodeId);
      return n ? { id: n.id, type: n.type, z: n.z, valid: n.valid, validationErrors: n.validationErrors ?? [] } : null;
    }, id);
  }

  /** Drags a node type from the palette onto the workspace, as a person does; answers its id. */
  async dropFromPalette(type: string, at: { x: number; y: number }): Promise<string> {
    const before = new Set((await this.nodes({ type })).map((n) => n.id));
    await this.page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`).dragTo(this.page.locator('#red-ui-workspace-chart'), { targetPosition: at });
    await this.page.waitForFunction(
      ({ t, known }) => (window as unknown as EditorWindow).RED.nodes.filterNodes({ type: t }).some((n) => !known.includes(n.id)),
      { t: type, known: [...before] },
    );
    const added = (await this.nodes({ type })).find((n) => !before.has(n.id));
    return added!.id;
  }

  /** Double-clicks a node on the workspace and waits for its edit tray. */
  async openNode(id: string): Promise<void> {
    await this.page.locator(`#red-ui-workspace-chart [id="${id}"]`).dblclick();
    await this.page.waitForSelector('#node-dialog-ok', { state: 'visible' });
    // The dialog's TypedInputs and editors settle on the next frames.
    await this.page.waitForTimeout(150);
  }

  async done(): Promise<void> {
    await this.page.click('#node-dialog-ok');
    await this.page.waitForSelector('#node-dialog-ok', { state: 'detached' });
  }

  /** Shows a flow's tab (by its label), scrolling the tab bar as the editor does. */
  async showTab(label: string): Promise<string> {
    await this.page.waitForFunction((wanted) => {
      let seen = false;
      (window as unknown as { RED: { nodes: { eachWorkspace(cb: (w: { label: string }) => void): void } } }).RED.nodes.eachWorkspace((w) => {
        seen ||= w.label === wanted;
      });
      return seen;
    }, label, { timeout: 60_000 });
    const id = await this.page.evaluate((wanted) => {
      const { RED } = window as unknown as { RED: { nodes: { eachWorkspace(cb: (w: { id: string; label: string }) => void): void }; workspaces: { show(id: string): void } } };
      let found = '';
      RED.nodes.eachWorkspace((w) => {
        if (!found && w.label === wanted) found = w.id;
      });
      if (found) RED.workspaces.show(found);
      return found;
    }, label);
    if (!id) throw new Error(`no flow tab "${label}"`);
    await this.page.waitForTimeout(300);
    return id;
  }

  /** Cancels whatever edit trays are open, so the next check starts from the workspace. */
  async closeTrays(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const cancel = this.page.locator('.red-ui-tray button:has-text("Cancel"), .red-ui-tray a:has-text("Cancel")').last();
      if (!(await cancel.isVisible().catch(() => false))) return;
      await cancel.click();
      await this.page.waitForTimeout(300);
    }
  }

  async showSidebar(tab: 'info' | 'help' | 'debug' | 'config'): Promise<void> {
    await this.page.evaluate((name) => (window as unknown as { RED: { sidebar: { show(t: string): void } } }).RED.sidebar.show(name), tab);
    await this.page.waitForTimeout(200);
  }

  /** Waits until the editor has a flow tab labelled `label`, or `orText` shows on the page. */
  async untilTabOr(label: string, orText: string): Promise<void> {
    await this.page.waitForFunction(
      ({ wanted, text }) => {
        let seen = false;
        (window as unknown as { RED: { nodes: { eachWorkspace(cb: (w: { label: string }) => void): void } } }).RED.nodes.eachWorkspace((w) => {
          seen ||= w.label === wanted;
        });
        return seen || document.body.innerText.includes(text);
      },
      { wanted: label, text: orText },
      { timeout: 60_000 },
    );
  }

  /** Waits until the workspace is idle: nothing dragged or being imported (RED.state.DEFAULT). */
  async untilIdle(): Promise<void> {
    await this.page.waitForFunction(
      () => {
        const { RED } = window as unknown as { RED: { view: { state(): number }; state: { DEFAULT: number } } };
        return RED.view.state() === RED.state.DEFAULT;
      },
      undefined,
      { timeout: 60_000 },
    );
  }

  /** The section headings the help sidebar shows for a selected node. */
  async helpHeadings(id: string): Promise<string[]> {
    const title = this.page.locator('.red-ui-help-title');
    const before = (await title.count()) > 0 ? await title.first().innerText() : '';
    await this.page.locator(`#red-ui-workspace-chart [id="${id}"]`).click();
    await this.showSidebar('help');
    // The help of the node clicked, not the one shown before it (however slowly the sidebar follows).
    await this.page.waitForFunction(
      (previous) => {
        const shown = document.querySelector('.red-ui-help-title')?.textContent ?? '';
        return shown !== '' && shown !== previous && document.querySelectorAll('.red-ui-help h3').length > 0;
      },
      before,
      { timeout: 20_000 },
    );
    return this.page.locator('.red-ui-help h3').allInnerTexts();
  }
}
