import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one answer instead of passing it through. */
export interface Rewrite {
  method?: string;
  /** The path (without query) it applies to. */
  path: string | RegExp;
  /** Rewrites the JSON body of the real answer. */
  json?(body: unknown, url: URL): unknown;
  /** Answers by itself; the real server is not asked. */
  respond?(req: IncomingMessage, res: ServerResponse, url: URL): void | Promise<void>;
  /** The real server answers, but the answer is held this long before it is passed on. */
  delayMs?: number;
  /** The real server answers, but the connection is cut instead of passing the answer on. */
  drop?: boolean;
  /** The real answer streams through, and the connection is cut once this many body bytes have passed. */
  cutAfterBytes?: number;
  /** The real server answers, but this body goes back instead (status kept). */
  body?: string;
  /** How many answers it applies to (default: all). */
  times?: number;
}

export interface HostileProxy {
  url: string;
  /** Every request that reached the proxy: method and path with query. */
  /** Every request, in order of arrival, with Date.now() when it came. */
  requests: Array<{ method: string; url: string; at: number }>;
  rewrite(rule: Rewrite): void;
  /** Changes each request's URL (path and query) before it goes to the real server. */
  mapRequests(map: (url: string) => string): void;
  close(): Promise<void>;
}

/**
 * A man in the middle on 127.0.0.1: forwards everything to an honest server (the sandbox) and
 * changes only what a test tells it to, the way a hostile backend or network would.
 */
export async function startHostileProxy(target: string): Promise<HostileProxy> {
  const rules: Array<Rewrite & { left: number }> = [];
  const requests: HostileProxy['requests'] = [];
  let mapUrl = (url: string): string => url;
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', at: Date.now() });
    handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const index = rules.findIndex((r) => (!r.method || r.method === req.method) && (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)));
    const rule = rules[index];
    if (rule) {
      rule.left -= 1;
      if (rule.left <= 0) rules.splice(index, 1);
    }
    if (rule?.respond) {
      for await (const chunk of req) void chunk;
      await rule.respond(req, res, url);
      return;
    }
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    const upstream = await forward(req, mapUrl(req.url ?? '/'), Buffer.concat(body));
    if (rule?.cutAfterBytes !== undefined) {
      cutAfter(upstream, res, rule.cutAfterBytes);
      return;
    }
    if (!rule?.json && !rule?.delayMs && !rule?.drop && rule?.body === undefined) {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(res);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of upstream) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
    if (rule.drop) {
      req.socket.destroy();
      return;
    }
    let out = rule.body ?? text;
    try {
      if (rule.json) out = JSON.stringify(rule.json(JSON.parse(text), url));
    } catch {
      // Not JSON: passed through as it is.
    }
    const headers = { ...upstream.headers, 'content-length': String(Buffer.byteLength(out)) };
    delete headers['transfer-encoding'];
    res.writeHead(upstream.statusCode ?? 502, headers);
    res.end(out);
  }

  function forward(req: IncomingMessage, path: string, body: Buffer): Promise<IncomingMessage> {
    const base = new URL(target);
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: base.host, 'content-length': String(body.length) };
      // A connection per request: a kept-alive one the server closed for idling would lose the request under load.
      const out = httpRequest({ hostname: base.hostname, port: base.port, method: req.method, path, headers, agent: false }, resolve);
      out.on('error', reject);
      out.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rewrite: (rule) => rules.push({ ...rule, left: rule.times ?? Infinity }),
    mapRequests: (map) => {
      mapUrl = map;
    },
    close: () => closeServer(server),
  };
}

/** Passes a streamed answer on as it comes, and cuts the connection after `limit` body bytes. */
function cutAfter(upstream: IncomingMessage, res: ServerResponse, limit: number): void {
  res.writeHead(upstream.statusCode ?? 502, upstream.headers);
  let left = limit;
  const cut = (): void => {
    upstream.destroy();
    res.socket?.destroy();
  };
  if (left <= 0) return cut();
  upstream.on('data', (chunk: Buffer) => {
    if (left <= 0) return;
    const part = chunk.subarray(0, left);
    left -= part.length;
    res.write(part, () => (left <= 0 ? cut() : undefined));
  });
  upstream.on('end', () => (left > 0 ? res.end() : undefined));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
