/** npm run mutation [-- stryker options]: Stryker over src/, incremental, under Node.js 22 (Stryker 10 needs it). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { node22 } from './tools';

const root = join(__dirname, '..');
const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const { status } = spawnSync(node22(), [stryker, 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(status ?? 1);
