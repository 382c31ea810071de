import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { TokenIssuer } from './auth/tokens';
import { ChainLink } from './chain-link';
import type { SandboxContext } from './context';
import { DdoStore } from './ddo-store';
import { JobStore } from './jobs/store';
import { NonceStore } from './nonces';
import { oceanNodeRoutes } from './ocean-node/routes';
import { resolveOptions, type SandboxDialect, type SandboxOptions } from './options';
import { providerV2Routes } from './provider-v2/routes';
import { FaultQueue, type Fault } from './http/faults';
import { FixedWindowRateLimit } from './http/rate-limit';
import { expressErrorPage, expressNotFound, expressText, escapeHtml, flaskJson } from './http/reply';
import type { SandboxRequest } from './http/request';
import type { Router } from './http/router';

const MAX_BODY_BYTES = 1024 * 1024;

export interface RequestRecord {
  method: string;
  path: string;
  /** The query string, without "?". */
  query: string;
  /** 0 until the answer is sent. */
  status: number;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** Date.now() when the answer was sent. */
  answeredAt?: number;
  /** The answer's Content-Length (0 for a streamed answer). */
  bytes?: number;
}

export interface Sandbox {
  url: string;
  dialect: SandboxDialect;
  context: SandboxContext;
  /** Every request served, in order: tests count calls per route with it. */
  requests: RequestRecord[];
  /** Makes the next matching request(s) get a canned answer instead of the real one. */
  fail(fault: Fault): void;
  close(): Promise<void>;
}

/** Starts a sandbox server on 127.0.0.1 speaking one dialect. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const resolved = resolveOptions(options);
  const context: SandboxContext = {
    options: resolved,
    nonces: new NonceStore(resolved.dialect === 'ocean-node' ? 'strictly-greater' : 'not-smaller'),
    ddos: new DdoStore(),
    jobs: new JobStore(),
    tokens: new TokenIssuer(),
    workDir: mkdtempSync(join(options.workDir ?? tmpdir(), 'ocean-c2d-sandbox-')),
    chain: resolved.chain ? new ChainLink(resolved.chain, resolved.chainId, resolved.provider) : undefined,
  };
  const router = resolved.dialect === 'ocean-node' ? oceanNodeRoutes(context) : providerV2Routes(context);
  const limiter = resolved.rateLimitPerMinute > 0 ? new FixedWindowRateLimit(resolved.rateLimitPerMinute) : undefined;
  const requests: RequestRecord[] = [];
  const faults = new FaultQueue();
  const server = createServer((req, res) => {
    // Recorded on arrival, so a test sees every request that reached the server, answered or not.
    const [path = '', query = ''] = (req.url ?? '').split('?');
    const record: RequestRecord = { method: req.method ?? '', path, query, status: 0, receivedAt: Date.now() };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
      record.answeredAt = Date.now();
      record.bytes = Number(res.getHeader('content-length') ?? 0);
    });
    handle(req, res, router, resolved.dialect, limiter, faults).catch((error: unknown) => {
      if (!res.headersSent) expressText(res, 500, 'Internal Server Error');
      else res.destroy(error instanceof Error ? error : undefined);
    });
  });
  try {
    await listen(server, resolved.port);
  } catch (error) {
    await context.chain?.close();
    rmSync(context.workDir, { recursive: true, force: true });
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dialect: resolved.dialect,
    context,
    requests,
    fail: (fault) => faults.add(fault),
    close: async () => {
      await closeServer(server);
      await context.jobs.stopAll();
      await context.chain?.close();
      rmSync(context.workDir, { recursive: true, force: true });
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
  dialect: SandboxDialect,
  limiter: FixedWindowRateLimit | undefined,
  faults: FaultQueue,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const forwarded = req.headers['x-forwarded-for'];
  const client = (Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? req.socket.remoteAddress ?? 'unknown';
  const wait = limiter?.check(client);
  if (wait !== undefined) {
    await drain(req);
    expressText(res, 429, `Rate limit exceeded. Try again in ${wait} seconds.`);
    return;
  }
  const rawBody = await readBody(req);
  if (await faults.answer(method, url.pathname, res)) return;
  let body: unknown;
  const isJson = (req.headers['content-type'] ?? '').includes('application/json');
  if (isJson && rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch (error) {
      // Express's body-parser runs before routing and answers malformed JSON with its error page.
      const text = error instanceof Error ? `${error.name}: ${error.message}` : 'SyntaxError';
      if (dialect === 'ocean-node') expressText(res, 400, expressErrorPage(escapeHtml(text)));
      else flaskJson(res, 400, { error: 'Failed to decode JSON object' });
      return;
    }
  }
  const matched = router.match(method, url.pathname);
  if (!matched) {
    if (dialect === 'ocean-node') expressNotFound(res, method, url.pathname);
    else flaskJson(res, 404, { error: '404 Not Found: The requested URL was not found on the server.' });
    return;
  }
  const request: SandboxRequest = {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
    rawBody,
    params: matched.params,
    client,
  };
  await matched.handler(request, res);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const chunk of req) void chunk;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
