import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSampleAssets, startSandbox, type SampleAssets, type Sandbox, type SandboxDialect } from '../../sandbox';
import { startHostileProxy, type HostileProxy } from './hostile-proxy';
import { helper } from './node-red';

export interface ProxiedSandbox {
  sandbox: Sandbox;
  assets: SampleAssets;
  /** In front of the sandbox: the nodes talk to it, and tests read or cut what passes. */
  proxy: HostileProxy;
  userDir: string;
}

/** A sandbox with the sample assets behind a hostile proxy, and a fresh Node-RED user directory that polls fast. */
export async function startProxiedSandbox(dialect: SandboxDialect, userDirPrefix: string): Promise<ProxiedSandbox> {
  const sandbox = await startSandbox({ dialect, rateLimitPerMinute: 0 });
  const assets = addSampleAssets(sandbox.context.ddos, { chainId: 8996, serviceEndpoint: sandbox.url });
  const proxy = await startHostileProxy(sandbox.url);
  const userDir = await mkdtemp(join(tmpdir(), userDirPrefix));
  helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  return { sandbox, assets, proxy, userDir };
}

/** Unloads the flow, then closes what `startProxiedSandbox` started. */
export async function closeProxiedSandbox(setup: ProxiedSandbox): Promise<void> {
  await helper.unload();
  await setup.proxy.close();
  await setup.sandbox.close();
  await rm(setup.userDir, { recursive: true, force: true });
}
