import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SCREENSHOTS } from './editor';

/** Example 08's FlowFuse Dashboard page, as a person uses it: the button, the job table, the live log. */
export class DashboardPage {
  /** Console errors and page errors seen so far. */
  readonly errors: string[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(message.text());
    });
    page.on('pageerror', (error) => this.errors.push(`page error: ${error.message}`));
  }

  /** Opens `/dashboard`, which goes to the example's page, and waits for its button. */
  static async open(browser: Browser, nodeRedUrl: string): Promise<DashboardPage> {
    // A context of its own, left open: with --single-process (how @sparticuz/chromium runs),
    // closing a context ends the whole browser. Its page is closed alone.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const dashboard = new DashboardPage(page);
    await page.goto(`${nodeRedUrl}/dashboard`);
    await dashboard.startButton().waitFor({ timeout: 60_000 });
    return dashboard;
  }

  startButton() {
    return this.page.getByRole('button', { name: /Start a 10-second job/ });
  }

  /** Clicks the start button; answers the id of the job the log then follows. */
  async startJob(timeoutMs: number): Promise<string> {
    await this.startButton().click();
    const caption = this.page.locator('.ocean-c2d-log .text-caption', { hasText: /^job / });
    await caption.waitFor({ timeout: timeoutMs });
    return (await caption.innerText()).replace(/^job /, '').trim();
  }

  /** The log's text once `matches` holds for it (fails after `timeoutMs`). */
  async logWhere(matches: RegExp, timeoutMs: number): Promise<string> {
    const handle = await this.page.waitForFunction(
      ([source, flags]) => {
        const text = document.querySelector('.ocean-c2d-log-lines')?.textContent ?? '';
        return new RegExp(source!, flags).test(text) ? text : false;
      },
      [matches.source, matches.flags],
      { timeout: timeoutMs },
    );
    return String(await handle.jsonValue());
  }

  /** Waits for the table row of a job (by its short id) in the given state. */
  async waitForRow(jobId: string, state: string, timeoutMs: number): Promise<void> {
    await this.page.locator('tr', { hasText: jobId.slice(-8) }).filter({ has: this.page.locator('td', { hasText: new RegExp(`^${state}$`) }) }).first().waitFor({ timeout: timeoutMs });
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
