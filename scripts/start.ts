/**
 * `npm start`: the sandbox (a local Ocean Node stand-in) and Node-RED with this package and its
 * example flows, all on 127.0.0.1. Ctrl-C stops everything it started.
 *
 * Point it at a real Ocean Node instead with OCEAN_PROVIDER_URL (and OCEAN_CHAIN_ID,
 * OCEAN_AQUARIUS_URL, OCEAN_RPC_URL, OCEAN_PRIVATE_KEY); the sandbox is then not started.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxDialect } from '../sandbox';
import { testAccount } from '../test/helpers/accounts';

const ROOT = join(__dirname, '..');
const USER_DIR = join(ROOT, '.node-red-data');
const EDITOR_PORT = Number(process.env.NODE_RED_PORT ?? 1880);

async function main(): Promise<void> {
  let sandbox: Sandbox | undefined;
  if (!process.env.OCEAN_PROVIDER_URL) {
    const dialect = (process.env.SANDBOX_DIALECT ?? 'ocean-node') as SandboxDialect;
    sandbox = await startSandbox({ dialect, port: Number(process.env.SANDBOX_PORT ?? 8030) });
    process.env.OCEAN_PROVIDER_URL = sandbox.url;
    process.env.OCEAN_CHAIN_ID ??= '8996';
    // A public anvil test key: the sandbox's demo wallet, never a real one.
    process.env.OCEAN_PRIVATE_KEY ??= testAccount(1).privateKey;
    process.stdout.write(`sandbox (${dialect}) on ${sandbox.url}\n`);
  }
  process.env.OCEAN_AQUARIUS_URL ??= '';
  process.env.OCEAN_RPC_URL ??= '';

  prepareUserDir();
  const nodeRed = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', USER_DIR, '--settings', join(USER_DIR, 'settings.js')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  process.stdout.write(`Node-RED editor: http://127.0.0.1:${EDITOR_PORT}/\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    nodeRed.kill('SIGINT');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  nodeRed.on('exit', (code) => {
    void (sandbox?.close() ?? Promise.resolve()).then(() => process.exit(stopping ? 0 : (code ?? 1)));
  });
}

/** A repository-local user directory with the package linked in, so edits show after a rebuild. */
function prepareUserDir(): void {
  mkdirSync(USER_DIR, { recursive: true });
  const link = join(USER_DIR, 'node_modules', '@ocean-c2d', 'node-red');
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { recursive: true, force: true });
  symlinkSync(ROOT, link, 'dir');
  writeFileSync(
    join(USER_DIR, 'package.json'),
    `${JSON.stringify({ name: 'ocean-c2d-demo', private: true, dependencies: { '@ocean-c2d/node-red': 'file:..' } }, null, 2)}\n`,
  );
  writeFileSync(
    join(USER_DIR, 'settings.js'),
    [
      'module.exports = {',
      `  uiHost: '127.0.0.1',`,
      `  uiPort: ${EDITOR_PORT},`,
      `  flowFile: 'flows.json',`,
      `  credentialSecret: 'ocean-c2d-local-demo',`,
      `  logging: { console: { level: 'info' } },`,
      `  editorTheme: { projects: { enabled: false }, tours: false },`,
      '};',
      '',
    ].join('\n'),
  );
  const flows = join(USER_DIR, 'flows.json');
  if (!existsSync(flows)) {
    writeFileSync(flows, `${JSON.stringify(starterFlow(), null, 2)}\n`);
    // Plain on first start; Node-RED encrypts it with credentialSecret when it next saves.
    writeFileSync(join(USER_DIR, 'flows_cred.json'), `${JSON.stringify({ 'demo-connection': { privateKey: '${OCEAN_PRIVATE_KEY}' } })}\n`);
  }
}

function starterFlow(): unknown[] {
  return [
    { id: 'demo-tab', type: 'tab', label: 'Ocean C2D' },
    {
      id: 'demo-connection',
      type: 'ocean-c2d-config',
      name: 'local sandbox',
      providerUrl: '${OCEAN_PROVIDER_URL}',
      aquariusUrl: '${OCEAN_AQUARIUS_URL}',
      chainId: '${OCEAN_CHAIN_ID}',
      rpcUrl: '${OCEAN_RPC_URL}',
    },
    { id: 'demo-inject', type: 'inject', z: 'demo-tab', name: 'list environments', props: [], repeat: '', once: false, x: 150, y: 80, wires: [['demo-envs']] },
    { id: 'demo-envs', type: 'c2d-envs', z: 'demo-tab', server: 'demo-connection', mode: 'list', modeType: 'mode', tier: 'any', tierType: 'tier', x: 360, y: 80, wires: [['demo-debug']] },
    { id: 'demo-debug', type: 'debug', z: 'demo-tab', name: 'environments', active: true, complete: 'payload', targetType: 'msg', x: 560, y: 80, wires: [] },
  ];
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
