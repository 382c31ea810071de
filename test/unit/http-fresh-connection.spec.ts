import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpClient } from '../../src/ocean/http';

/**
 * A server closes a kept-alive connection when it has been idle for its keep-alive time (5 s on
 * Node.js servers, Ocean Node's among them); a request the client sends on it at that moment is
 * lost with a reset. For a call that must not be sent twice (a start, a stop) the client cannot
 * tell whether the server saw it, so such calls go on a connection of their own.
 */
describe('HttpClient: calls that must not be sent twice', function () {
  let server: Server;
  let url: string;
  const served = new Map<Socket, number>();
  const answered: string[] = [];

  before(async function () {
    // Every connection serves one request; a second one on it meets a connection the server has closed.
    server = createServer((req, res) => {
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      if (count > 1) {
        req.socket.destroy();
        return;
      }
      answered.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a start after a kept-alive call goes on a new connection, so a connection the server closed cannot lose it', async function () {
    const http = new HttpClient({ retries: 0 });
    assert.deepEqual(await http.json({ operation: 'list compute environments', method: 'GET', url: `${url}/environments`, idempotent: true }), { ok: true });
    const started = await http.json({ operation: 'start a compute job', method: 'POST', url: `${url}/compute`, body: { a: 1 }, idempotent: false });
    assert.deepEqual(started, { ok: true });
    assert.deepEqual(answered, ['GET /environments', 'POST /compute']);
    assert.equal(served.size, 2, 'two connections, one request each');
    http.close();
  });
});
