import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request exactly as it went over the wire. */
export interface WireRequest {
  method: string;
  path: string;
  /** Query parameters as sent (all strings). */
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON, the text when it is not JSON, undefined when there is none. */
  body: unknown;
}

export interface WireLog {
  url: string;
  requests: WireRequest[];
  /** The requests to one path (and method). */
  to(path: string, method?: string): WireRequest[];
  close(): Promise<void>;
}

/**
 * A pass-through on 127.0.0.1 in front of a real server (the sandbox) that keeps every request
 * the client sent, body included: tests assert what the client puts on the wire, field names and
 * JSON types, instead of what the server happens to accept.
 */
export async function startWireLog(target: string): Promise<WireLog> {
  const requests: WireRequest[] = [];
  const base = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://wire');
      requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: parse(raw) });
      const upstream = httpRequest(
        { hostname: base.hostname, port: base.port, method: req.method, path: req.url, headers: { ...req.headers, host: base.host, 'content-length': String(raw.length) } },
        (answer: IncomingMessage) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    to: (path, method) => requests.filter((r) => r.path === path && (!method || r.method === method)),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parse(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
