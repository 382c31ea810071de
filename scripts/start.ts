/**
 * `npm start`: the local chain, the sandbox and Node-RED with this package and the example
 * flows, all on 127.0.0.1. Ctrl-C stops everything it started.
 *
 * Point it at a real Ocean Node with OCEAN_PROVIDER_URL (and OCEAN_CHAIN_ID, OCEAN_AQUARIUS_URL,
 * OCEAN_RPC_URL, OCEAN_PRIVATE_KEY, OCEAN_DATASET_DID, OCEAN_ALGORITHM_DID); then neither the
 * chain nor the sandbox is started.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { installedDashboard } from './dashboard';
import { stackFromEnvironment } from './stack';
import { editorLogin, prepareUserDir } from './user-dir';

const USER_DIR = join(__dirname, '..', '.node-red-data');
const EDITOR_PORT = Number(process.env.NODE_RED_PORT ?? 1880);

async function main(): Promise<void> {
  const stack = await stackFromEnvironment(process.env, { sandboxPort: 8030, anvilPort: 8545 });
  const local = !process.env.OCEAN_PROVIDER_URL;
  // A real backend means a funded key behind the editor: it asks for a login then.
  const login = !local || process.env.NODE_RED_PASSWORD ? editorLogin(USER_DIR, process.env) : undefined;
  const prepared = prepareUserDir(USER_DIR, {
    uiPort: EDITOR_PORT,
    replaceFlows: process.argv.includes('--reset'),
    forgetJobs: local,
    pollInterval: '5',
    minPollInterval: local ? 1 : undefined,
    login,
  });
  const env = { ...process.env, ...stack.env };
  const nodeRed = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', USER_DIR, '--settings', join(USER_DIR, 'settings.js')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  });
  for (const line of stack.describe()) process.stdout.write(`${line}\n`);
  process.stdout.write(`Node-RED with @ocean-c2d/node-red and the example flows: http://127.0.0.1:${EDITOR_PORT}/\n`);
  if (login?.newPassword) {
    process.stdout.write(`Editor login: ${login.username} / ${login.newPassword} (shown this once; set NODE_RED_PASSWORD to choose your own, or delete .node-red-data/.ocean-c2d-login.json for a new one)\n`);
  } else if (login) {
    process.stdout.write(`Editor login: ${login.username}, with ${process.env.NODE_RED_PASSWORD ? 'NODE_RED_PASSWORD' : 'the password shown when it was generated'}\n`);
  }
  process.stdout.write('Open the "Free compute on sensor readings" tab and click its inject button; the result shows in the debug sidebar. Ctrl-C stops everything.\n');
  if (prepared.dashboard) {
    process.stdout.write(`FlowFuse Dashboard (example 08): http://127.0.0.1:${EDITOR_PORT}/dashboard\n`);
  } else if (installedDashboard()) {
    process.stdout.write('These flows are from before the dashboard example 08: npm start -- --reset deploys it (and writes all example flows afresh).\n');
  }

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    nodeRed.kill('SIGINT');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  nodeRed.on('exit', (code) => {
    void stack.close().finally(() => process.exit(stopping ? 0 : (code ?? 1)));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
