import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ARCH: Partial<Record<string, string>> = { x64: 'amd64', arm64: 'arm64' };

/**
 * The anvil executable shipped by `@foundry-rs/anvil` in its platform package
 * (`@foundry-rs/anvil-<platform>-<arch>`). Called directly: the npx wrapper costs a Node start.
 */
export function anvilBinaryPath(): string {
  const arch = ARCH[process.arch];
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch ?? process.arch}`;
  let root: string;
  try {
    root = dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`anvil binary package ${pkg} is not installed (is @foundry-rs/anvil a dependency, and this platform supported?)`);
  }
  const binary = join(root, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  if (!existsSync(binary)) throw new Error(`anvil binary missing at ${binary}`);
  return binary;
}
