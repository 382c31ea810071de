/** A Node-RED user directory for the demo: this package linked in, settings, and the example flows. */
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { demoCredentials, demoFlows } from './demo-flows';

const ROOT = join(__dirname, '..');

export interface UserDirOptions {
  uiPort: number;
  /** Write the example flows even if the directory has flows already. */
  replaceFlows: boolean;
  /** Forget jobs followed in an earlier run (the sandbox starts empty each time). */
  forgetJobs: boolean;
  pollInterval: string;
  /** Lowest poll interval allowed, in seconds (the sandbox has no rate limit to respect). */
  minPollInterval?: number;
}

export function prepareUserDir(dir: string, options: UserDirOptions): void {
  mkdirSync(dir, { recursive: true });
  const link = join(dir, 'node_modules', '@ocean-c2d', 'node-red');
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { recursive: true, force: true });
  symlinkSync(ROOT, link, 'dir');
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'ocean-c2d-demo', private: true, dependencies: { '@ocean-c2d/node-red': `file:${ROOT}` } }, null, 2)}\n`);
  writeFileSync(join(dir, 'settings.js'), settings(options));
  if (options.forgetJobs) rmSync(join(dir, 'ocean-c2d'), { recursive: true, force: true });
  const flows = join(dir, 'flows.json');
  if (options.replaceFlows || !existsSync(flows)) {
    writeFileSync(flows, `${JSON.stringify(demoFlows(options.pollInterval), null, 2)}\n`);
    // Plain on first start; Node-RED encrypts it with credentialSecret when it next saves.
    writeFileSync(join(dir, 'flows_cred.json'), `${JSON.stringify(demoCredentials(), null, 2)}\n`);
  }
}

export function runtimeSettings(dir: string, options: Pick<UserDirOptions, 'uiPort' | 'minPollInterval'>): Record<string, unknown> {
  return {
    userDir: dir,
    uiHost: '127.0.0.1',
    uiPort: options.uiPort,
    flowFile: 'flows.json',
    credentialSecret: 'ocean-c2d-local-demo',
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { tours: false },
    // Offline demo: never ask to send telemetry or check for updates.
    telemetry: { enabled: false, updateNotification: false },
    ...(options.minPollInterval ? { oceanC2dMinPollInterval: options.minPollInterval } : {}),
  };
}

function settings(options: UserDirOptions): string {
  const body = JSON.stringify(runtimeSettings('__dirname', options), null, 2).replace('"__dirname"', '__dirname');
  return `// Written by npm start: Node-RED for the Ocean C2D demo, on 127.0.0.1 only.\nmodule.exports = ${body};\n`;
}
