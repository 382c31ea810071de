import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { testSettings } from './node-red-process';
import { followingStart } from './follow-nodes';

/** A final as the flow posts it to the collector. */
export interface CollectedFinal {
  tag: string;
  jobId: string;
  owner: string;
  status: number;
  nodeId?: string;
}

export interface Collector {
  url: string;
  finals: CollectedFinal[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 the flows post each final to. */
export function startCollector(): Promise<Collector> {
  const finals: CollectedFinal[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      try {
        finals.push(JSON.parse(body) as CollectedFinal);
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/final`, finals, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

export interface StoreFlowOptions {
  providerUrl: string;
  collectorUrl: string;
  jobStore: 'file' | 'context' | 'redis';
  contextStore?: string;
  owner?: string;
}

/**
 * POST /start?tag=… starts a job with compute-start (following it); its final is posted to the
 * collector with the tag the start carried, the job id and the instance that delivered it.
 */
export function storeFlow(options: StoreFlowOptions): Array<Record<string, unknown>> {
  return [
    { id: 'f1', type: 'tab', label: 'jobs' },
    { id: 'cfg', type: 'ocean-c2d-config', providerUrl: options.providerUrl, chainId: '8996', pollInterval: '0.3', jobStore: options.jobStore, contextStore: options.contextStore ?? '', owner: options.owner ?? '' },
    { id: 'in', type: 'http in', z: 'f1', x: 100, y: 40, url: '/start', method: 'post', upload: false, wires: [['tag', 'ok']] },
    { id: 'ok', type: 'http response', z: 'f1', x: 300, y: 40, statusCode: '200', headers: {}, wires: [] },
    {
      id: 'tag',
      type: 'change',
      z: 'f1',
      x: 300,
      y: 80,
      rules: [
        { t: 'set', p: 'tag', pt: 'msg', to: 'req.query.tag', tot: 'msg' },
        { t: 'delete', p: 'payload', pt: 'msg' },
      ],
      wires: [['start']],
    },
    followingStart({ id: 'start', server: 'cfg', x: 500, y: 80, wires: [['report']] }),
    {
      id: 'report',
      type: 'change',
      z: 'f1',
      x: 700,
      y: 80,
      rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"tag": tag, "jobId": jobId, "owner": $env("OCEAN_C2D_OWNER"), "status": payload.status}', tot: 'jsonata' }],
      wires: [['post']],
    },
    { id: 'post', type: 'http request', z: 'f1', x: 900, y: 80, method: 'POST', ret: 'txt', paytoqs: 'ignore', url: options.collectorUrl, tls: '', persist: false, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [], wires: [[]] },
  ];
}

export interface UserDirOptions {
  /** node_modules holding @ocean-c2d/node-red (and `redis` where needed). */
  nodeModules?: string;
  /** The package's folder, linked as @ocean-c2d/node-red, when no nodeModules is given. */
  packageDir?: string;
  flow: Array<Record<string, unknown>>;
  credentials: Record<string, Record<string, string>>;
  settings?: Record<string, unknown>;
}

/** (Re)writes a user directory from scratch, as a host that provisions the flows on each start would. */
export function writeUserDir(dir: string, options: UserDirOptions): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (options.nodeModules) symlinkSync(options.nodeModules, join(dir, 'node_modules'));
  else if (options.packageDir) {
    mkdirSync(join(dir, 'node_modules', '@ocean-c2d'), { recursive: true });
    symlinkSync(options.packageDir, join(dir, 'node_modules', '@ocean-c2d', 'node-red'), 'dir');
  }
  // Unencrypted credentials: the test writes them itself.
  writeFileSync(join(dir, 'settings.js'), testSettings({ credentialSecret: false, oceanC2dMinPollInterval: 0.1, ...options.settings }));
  writeFileSync(join(dir, 'flows.json'), JSON.stringify(options.flow, null, 2));
  writeFileSync(join(dir, 'flows_cred.json'), JSON.stringify(options.credentials, null, 2));
}

/** Waits until `check` holds, looking every 50 ms; fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
