/** A Node-RED user directory for the demo: this package linked in, settings, and the example flows. */
import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { DASHBOARD_MODULE, installedDashboard, needsDashboard } from './dashboard';
import { demoCredentials, demoFlows } from './demo-flows';

const ROOT = join(__dirname, '..');
/** The credential secret npm start used before 0.2: public, so it protected nothing. */
const OLD_FIXED_SECRET = 'ocean-c2d-local-demo';
const LOGIN_FILE = '.ocean-c2d-login.json';
const ADMIN = 'admin';

export interface UserDirOptions {
  uiPort: number;
  /** Write the example flows even if the directory has flows already. */
  replaceFlows: boolean;
  /** Forget jobs followed in an earlier run (the sandbox starts empty each time). */
  forgetJobs: boolean;
  pollInterval: string;
  /** Lowest poll interval allowed, in seconds (the sandbox has no rate limit to respect). */
  minPollInterval?: number;
  /** The editor asks for a login (a real backend and a funded key are behind it). */
  login?: Login;
  /**
   * Install FlowFuse Dashboard and deploy the example that needs it, when the project has the
   * dashboard (true by default; npm run demo, headless, leaves it out).
   */
  dashboard?: boolean;
}

export interface Login {
  username: string;
  /** bcrypt hash, as Node-RED's adminAuth takes it. */
  hash: string;
  /** Set only on the run that generated the password: the one time it is shown. */
  newPassword?: string;
}

export interface PreparedUserDir {
  /** The flows Node-RED will start hold the dashboard example (flows from before it do not). */
  dashboard: boolean;
}

export function prepareUserDir(dir: string, options: UserDirOptions): PreparedUserDir {
  mkdirSync(dir, { recursive: true });
  const dashboard = options.dashboard === false ? undefined : installedDashboard();
  // Both as the palette manager leaves a module: in the user directory's node_modules and
  // package.json, so the editor lists them as installed.
  const modules: Record<string, string> = { '@ocean-c2d/node-red': ROOT, ...(dashboard ? { [DASHBOARD_MODULE]: dashboard.dir } : {}) };
  rmSync(join(dir, 'node_modules', DASHBOARD_MODULE), { recursive: true, force: true });
  for (const [name, target] of Object.entries(modules)) linkModule(dir, name, target);
  const dependencies = Object.fromEntries(Object.entries(modules).map(([name, target]) => [name, `file:${target}`]));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'ocean-c2d-demo', private: true, dependencies }, null, 2)}\n`);
  writeFileSync(join(dir, 'settings.js'), settings(options));
  if (options.forgetJobs) rmSync(join(dir, 'ocean-c2d'), { recursive: true, force: true });
  const flows = join(dir, 'flows.json');
  if (options.replaceFlows || !existsSync(flows)) {
    writeFileSync(flows, `${JSON.stringify(demoFlows(options.pollInterval, { dashboard: dashboard !== undefined }), null, 2)}\n`);
    // Plain on first start; Node-RED encrypts it with its own random secret when it next saves.
    writeFileSync(join(dir, 'flows_cred.json'), `${JSON.stringify(demoCredentials(), null, 2)}\n`, { mode: 0o600 });
  } else {
    forgetOldFixedSecret(dir);
  }
  return { dashboard: dashboard !== undefined && flowsNeedDashboard(flows) };
}

function flowsNeedDashboard(file: string): boolean {
  try {
    const flows = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(flows) && needsDashboard(flows as Array<{ type: string }>);
  } catch {
    return false;
  }
}

function linkModule(dir: string, name: string, target: string): void {
  const link = join(dir, 'node_modules', name);
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { recursive: true, force: true });
  symlinkSync(target, link, 'dir');
}

/**
 * Node-RED keeps the credentials encrypted with a random secret it generates and stores in the
 * user directory (`.config.runtime.json`) when settings.js sets none. A directory from before 0.2
 * has them under the old public secret: they are decrypted once and left plain for Node-RED to
 * encrypt with its own.
 */
function forgetOldFixedSecret(dir: string): void {
  const credentials = join(dir, 'flows_cred.json');
  if (!existsSync(credentials) || hasGeneratedSecret(dir)) return;
  const stored = JSON.parse(readFileSync(credentials, 'utf8')) as { $?: unknown };
  if (typeof stored.$ !== 'string') return;
  const key = createHash('sha256').update(OLD_FIXED_SECRET).digest();
  const decipher = createDecipheriv('aes-256-ctr', key, Buffer.from(stored.$.slice(0, 32), 'hex'));
  try {
    const plain = JSON.parse(decipher.update(stored.$.slice(32), 'base64', 'utf8') + decipher.final('utf8')) as unknown;
    writeFileSync(credentials, `${JSON.stringify(plain, null, 2)}\n`, { mode: 0o600 });
  } catch {
    // Not the old secret's: Node-RED reports what it cannot read.
  }
}

function hasGeneratedSecret(dir: string): boolean {
  try {
    const runtime = JSON.parse(readFileSync(join(dir, '.config.runtime.json'), 'utf8')) as { _credentialSecret?: unknown };
    return typeof runtime._credentialSecret === 'string';
  } catch {
    return false;
  }
}

/**
 * The editor's login: the password from NODE_RED_PASSWORD, else one generated on first use,
 * kept only as a hash in the user directory and shown once.
 */
export function editorLogin(dir: string, env: NodeJS.ProcessEnv): Login {
  const given = env.NODE_RED_PASSWORD;
  if (given) return { username: ADMIN, hash: hashSync(given, 10) };
  const file = join(dir, LOGIN_FILE);
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Login>;
    if (typeof saved.username === 'string' && typeof saved.hash === 'string') return { username: saved.username, hash: saved.hash };
  } catch {
    // None yet: make one.
  }
  const password = randomBytes(12).toString('base64url');
  const login: Login = { username: ADMIN, hash: hashSync(password, 10) };
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(login)}\n`, { mode: 0o600 });
  return { ...login, newPassword: password };
}

export function runtimeSettings(dir: string, options: Pick<UserDirOptions, 'uiPort' | 'minPollInterval' | 'login'>): Record<string, unknown> {
  return {
    userDir: dir,
    uiHost: '127.0.0.1',
    uiPort: options.uiPort,
    flowFile: 'flows.json',
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { tours: false },
    // Offline demo: never ask to send telemetry or check for updates.
    telemetry: { enabled: false, updateNotification: false },
    ...(options.login ? { adminAuth: { type: 'credentials', users: [{ username: options.login.username, password: options.login.hash, permissions: '*' }] } } : {}),
    ...(options.minPollInterval ? { oceanC2dMinPollInterval: options.minPollInterval } : {}),
  };
}

function settings(options: UserDirOptions): string {
  const body = JSON.stringify(runtimeSettings('__dirname', options), null, 2).replace('"__dirname"', '__dirname');
  return `// Written by npm start: Node-RED for the Ocean C2D demo, on 127.0.0.1 only.\nmodule.exports = ${body};\n`;
}
