import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTool, node22 } from '../../scripts/tools';
import { startNodeRedProcess, testSettings } from '../helpers/node-red-process';
import { packedPackage } from '../helpers/packed-package';

/** What every fresh Node-RED says at start, whatever nodes it has. */
const BENIGN = [/\[warn\] Projects disabled/, /\[warn\]\s*$/, /\[warn\] Encrypted credentials not found/, /\[warn\] -+$/];

const TYPES = ['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'];

interface NodeSet {
  module: string;
  types: string[];
  enabled: boolean;
  err?: string;
}

/** Where each Node-RED comes from, and the Node.js it runs on. */
const VERSIONS: Array<{ name: string; redJs: () => string; node: () => string; nodeLabel: string }> = [
  { name: '3.1.15', redJs: () => join(ensureTool('node-red-3'), 'node_modules', 'node-red', 'red.js'), node: () => process.execPath, nodeLabel: `Node ${process.version}` },
  { name: '4.1.15', redJs: () => require.resolve('node-red/red.js'), node: () => process.execPath, nodeLabel: `Node ${process.version}` },
  { name: '5.0.7', redJs: () => join(ensureTool('node-red-5'), 'node_modules', 'node-red', 'red.js'), node: node22, nodeLabel: 'Node 22' },
];

/** The packed package, installed the palette manager's way, in each Node-RED users run. */
describe('the packed package loads in Node-RED 3.1, 4.1 and 5.0', function () {
  this.timeout(180_000);

  for (const version of VERSIONS) {
    it(`Node-RED ${version.name} on ${version.nodeLabel}: six types registered, no error in the log`, async function () {
      const packed = await packedPackage();
      const userDir = mkdtempSync(join(tmpdir(), `ocean-c2d-nr${version.name}-`));
      try {
        symlinkSync(packed.nodeModules, join(userDir, 'node_modules'));
        writeFileSync(join(userDir, 'settings.js'), testSettings());
        const red = await startNodeRedProcess({ userDir, redJs: version.redJs(), node: version.node(), startupMs: 60_000 });
        try {
          const answer = await fetch(`${red.url}/nodes`, { headers: { accept: 'application/json' } });
          const sets = ((await answer.json()) as NodeSet[]).filter((set) => set.module === '@ocean-c2d/node-red');
          assert.deepEqual(sets.flatMap((set) => set.types).sort(), [...TYPES].sort());
          for (const set of sets) assert.ok(set.enabled && !set.err, `${set.types.join(', ')}: ${set.err ?? 'disabled'}`);
          const html = await (await fetch(`${red.url}/nodes`, { headers: { accept: 'text/html' } })).text();
          for (const type of TYPES) assert.ok(html.includes(`registerType('${type}'`), `the editor gets ${type}'s dialog`);
          assert.match(red.output(), new RegExp(`Node-RED version: v${version.name.replace(/\./g, '\\.')}`));
          const problems = red.output().split('\n').filter((line) => /\[(error|warn)\]/.test(line) && !BENIGN.some((benign) => benign.test(line)));
          assert.deepEqual(problems, []);
        } finally {
          await red.stop();
        }
      } finally {
        rmSync(userDir, { recursive: true, force: true });
      }
    });
  }
});
