// Puts the editor files where Node-RED looks for them: next to each compiled node .js.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const target = join(root, 'dist', 'nodes');
mkdirSync(target, { recursive: true });
for (const file of readdirSync(join(root, 'nodes'))) {
  if (file.endsWith('.html')) cpSync(join(root, 'nodes', file), join(target, file));
}
cpSync(join(root, 'nodes', 'locales'), join(target, 'locales'), { recursive: true });
cpSync(join(root, 'icons'), join(target, 'icons'), { recursive: true });
