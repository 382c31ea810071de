import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wallet } from 'ethers';
import type { BootstrappedChain } from '../../sandbox/chain';
import { ChainAccess } from '../../src/ocean/payment/chain';
import { sharedChain } from '../helpers/chain';

/** An RPC in front of the chain that keeps every request body it passes on. */
async function recordingRpc(target: string): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(JSON.parse(body.toString()));
      const forward = request(target, { method: 'POST', headers: { 'content-type': 'application/json' } }, (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
        answer.pipe(res);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const methods = (bodies: unknown[]): string[] => bodies.map((b) => (Array.isArray(b) ? 'batch' : (b as { method: string }).method));

describe('the chain as the payments read it', function () {
  this.timeout(30_000);
  let chain: BootstrappedChain;

  before(async function () {
    chain = await sharedChain();
  });

  /** A ChainAccess for a throwaway wallet, behind a recording RPC, past its chain check. */
  async function checkedAccess(): Promise<{ rpc: Awaited<ReturnType<typeof recordingRpc>>; access: ChainAccess }> {
    const rpc = await recordingRpc(chain.rpcUrl);
    const access = new ChainAccess(rpc.url, chain.chainId, new Wallet(Wallet.createRandom().privateKey));
    await access.ready();
    return { rpc, access };
  }

  it('one request per call, the chain id asked once: no batches, no network detection of its own', async function () {
    const { rpc, access } = await checkedAccess();
    try {
      const ocean = chain.contracts.oceanToken;
      const datatoken = chain.assets.dataset.datatokenAddress;
      const [oceanDecimals, oceanSymbol, datatokenDecimals] = await Promise.all([access.decimals(ocean), access.symbol(ocean), access.decimals(datatoken)]);
      assert.deepEqual([oceanDecimals, oceanSymbol, datatokenDecimals], [18, 'OCEAN', 18]);
      await access.ready();
      assert.deepEqual(methods(rpc.bodies), ['eth_chainId', 'eth_call', 'eth_call', 'eth_call']);
    } finally {
      access.close();
      await rpc.close();
    }
  });

  it('once closed, nothing more is sent to the RPC: a read asked afterwards fails', async function () {
    const { rpc, access } = await checkedAccess();
    try {
      const sent = rpc.bodies.length;
      access.close();
      await assert.rejects(access.decimals(chain.contracts.oceanToken));
      assert.equal(rpc.bodies.length, sent);
    } finally {
      await rpc.close();
    }
  });
});
