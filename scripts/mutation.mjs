// npm run mutation [-- stryker options]: Stryker over src/ under Node.js 22, incremental.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNode22 } from './node22.mjs';

const root = new URL('..', import.meta.url).pathname;
const node = ensureNode22();
const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const { status } = spawnSync(node, [stryker, 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(status ?? 1);
