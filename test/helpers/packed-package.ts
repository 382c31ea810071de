import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

export interface PackedPackage {
  /** The tarball `npm pack` made of the built package. */
  tarball: string;
  /** A node_modules folder with the tarball installed as the palette manager does (no dev dependencies). */
  nodeModules: string;
}

let packing: Promise<PackedPackage> | undefined;
let workDir: string | undefined;

/**
 * The package as users get it: `npm pack` of the built tree, installed with `--omit=dev` into a
 * folder of its own. Made once per test process (needs `npm run build` first, as `npm test` does).
 */
export function packedPackage(): Promise<PackedPackage> {
  packing ??= (async () => {
    workDir = mkdtempSync(join(tmpdir(), 'ocean-c2d-packed-'));
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const [report] = JSON.parse(stdout) as Array<{ filename: string }>;
    const tarball = join(workDir, report!.filename);
    const install = join(workDir, 'install');
    mkdirSync(install);
    writeFileSync(join(install, 'package.json'), JSON.stringify({ name: 'ocean-c2d-packed-install', private: true }));
    await run('npm', ['install', '--omit=dev', '--engine-strict', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', '--loglevel=error', tarball], {
      cwd: install,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { tarball, nodeModules: join(install, 'node_modules') };
  })();
  return packing;
}

if (typeof after === 'function') {
  after('remove the packed package', function () {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });
}
