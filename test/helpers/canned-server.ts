import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer the server gives, as a backend would send it. */
export interface CannedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface CannedServer {
  url: string;
  /** Every request that reached it, in order. */
  requests: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }>;
  /** Queues the answer to the next request (answers are used in order; none queued: 599). */
  answer(answer: CannedAnswer): void;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that answers exactly what a test queued: the status codes and
 * bodies a real backend sends, fed to the client's real HTTP layer.
 */
export async function startCannedServer(): Promise<CannedServer> {
  const queue: CannedAnswer[] = [];
  const requests: CannedServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = queue.shift() ?? { status: 599, body: 'no answer queued' };
      res.writeHead(answer.status, { 'content-length': String(Buffer.byteLength(answer.body ?? '')), ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (answer) => queue.push(answer),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
