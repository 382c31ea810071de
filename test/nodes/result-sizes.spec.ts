import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_CONTAINER, startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient, type ResultFile } from '../../src/ocean';
import { NODE_CEILINGS } from '../../src/nodes/lib/payload-limits';
import { deliverResults, type DeliveryOptions } from '../../src/nodes/lib/result-delivery';
import { testAccount } from '../helpers/accounts';
import { failure } from '../helpers/failure';
import { startHostileProxy, type HostileProxy } from '../helpers/hostile-proxy';
import { waitForJob } from '../helpers/jobs';
import { helper, packageNode, placed, sendAndWait } from '../helpers/node-red';

const NODES = ['ocean-c2d-config', 'compute-result'].map(packageNode);
const wallet = testAccount(14);
const WRITE_OUTPUTS =
  "const dir = (process.env.OCEAN_C2D_DATA || '/data') + '/outputs/'; require('fs').writeFileSync(dir + 'notes.txt', 'n'.repeat(100000)); require('fs').writeFileSync(dir + 'out.json', JSON.stringify({ ok: true }));";
const RESULT = '/api/services/computeResult';
const STATUS = '/api/services/compute';
const MiB = 1024 * 1024;

type Job = Record<string, unknown> & { results?: Array<Record<string, unknown>> };

/** Resolves once the proxy's answer to the client is closed (the client hung up); fails after `ms`. */
async function closedWithin(response: ServerResponse, ms: number): Promise<void> {
  if (response.closed) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([once(response, 'close'), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`the client kept the answer open for ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe('result sizes: refused before the download when they cannot be the payload, read in one piece when they can', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let proxy: HostileProxy;
  let client: OceanClient;
  let jobId: string;
  let output: ResultFile;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
    const starter = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
    const environment = (await starter.pickEnvironment({ free: true })).id;
    jobId = (await starter.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: WRITE_OUTPUTS } } })).jobId;
    const job = await waitForJob(starter, jobId, 200);
    output = job.results.find((r) => r.kind === 'output')!;
    starter.close();
  });

  after(async function () {
    await sandbox.close();
  });

  beforeEach(async function () {
    proxy = await startHostileProxy(sandbox.url);
    client = new OceanClient({ providerUrl: proxy.url, chainId: 8996, privateKey: wallet.privateKey });
  });

  afterEach(async function () {
    client.close();
    await proxy.close();
  });

  const resultRequests = (): number => proxy.requests.filter((r) => r.url.startsWith(RESULT)).length;
  /** Result requests in the sandbox's own log: what reached the server, whatever the proxy saw. */
  const servedResults = (): number => sandbox.requests.filter((r) => r.path === RESULT).length;
  /** The job's list as the backend gives it, with the output's size replaced (undefined: left out). */
  const listOutputSize = (filesize: number | undefined): void =>
    proxy.rewrite({ method: 'GET', path: STATUS, json: (jobs) => (jobs as Job[]).map((job) => ({ ...job, results: job.results?.map((r) => (r.type === 'output' ? { ...r, filesize } : r)) })) });
  const deliver = async (options: Partial<DeliveryOptions> & Pick<DeliveryOptions, 'format'>) => {
    const job = await client.getJob(jobId);
    return deliverResults(client, jobId, job.results.filter((r) => r.kind === 'output'), { unpack: false, maxBytes: 100 * MiB, ...options });
  };

  describe('through the node', function () {
    let userDir: string;

    beforeEach(async function () {
      userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-sizes-'));
      helper.settings({ userDir } as Parameters<typeof helper.settings>[0]);
    });

    afterEach(async function () {
      await helper.unload();
      await rm(userDir, { recursive: true, force: true });
    });

    const load = (format: string): Promise<void> =>
      helper.load(
        NODES,
        placed([
          { id: 'f1', type: 'tab' },
          { id: 'cfg', type: 'ocean-c2d-config', providerUrl: proxy.url, chainId: '8996' },
          { id: 'result', type: 'compute-result', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', result: 'output', resultType: 'kind', format, formatType: 'format', unpack: false, maxBytes: String(2 ** 31), wires: [['out']] },
          { id: 'out', type: 'helper', z: 'f1' },
          { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
          { id: 'caught', type: 'helper', z: 'f1' },
        ]),
        { cfg: { privateKey: wallet.privateKey } },
      );

    for (const format of ['text', 'json']) {
      it(`format ${format}, a result listed one byte over what a string holds: RESULT_TOO_LARGE, and no result request is sent`, async function () {
        await load(format);
        listOutputSize(constants.MAX_STRING_LENGTH + 1);
        const served = servedResults();
        const fetched = await sendAndWait('result', { jobId }, ['out', 'caught'], 15_000);
        assert.equal(fetched.caught?.error?.code, 'RESULT_TOO_LARGE', JSON.stringify(fetched));
        assert.match(fetched.caught!.error!.message, new RegExp(`^format: Result \\d+ \\(outputs\\.tar\\), ${constants.MAX_STRING_LENGTH + 1} bytes, is larger than the ${constants.MAX_STRING_LENGTH} bytes a string can hold, so it cannot be delivered as "${format}"`));
        assert.equal(resultRequests(), 0, 'no result request left the client');
        assert.equal(servedResults(), served, 'no result request reached the server');
      });
    }

    it('format buffer, the same listed size: fetched, since a buffer holds it', async function () {
      await load('buffer');
      listOutputSize(constants.MAX_STRING_LENGTH + 1);
      const served = servedResults();
      const fetched = await sendAndWait('result', { jobId }, ['out', 'caught'], 15_000);
      assert.ok(Buffer.isBuffer(fetched.out?.payload), JSON.stringify(fetched.caught?.error));
      assert.equal(resultRequests(), 1);
      assert.equal(servedResults(), served + 1);
    });
  });

  it('unpacked, a file of the archive too long for a string is refused by its header; "auto" gives it as a buffer instead', async function () {
    const ceilings = { ...NODE_CEILINGS, stringBytes: 50_000 };
    const error = await failure(deliver({ format: 'text', unpack: true, ceilings }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.match(error.message, /^format: notes\.txt in result \d+ \(outputs\.tar\), 100000 bytes, is larger than the 50000 bytes a string can hold/);
    const auto = await deliver({ format: 'auto', unpack: true, ceilings });
    assert.deepEqual(
      auto.map((file) => [file.name, Buffer.isBuffer(file.payload) ? 'buffer' : file.payload]),
      [
        ['notes.txt', 'buffer'],
        ['out.json', { ok: true }],
      ],
    );
  });

  it('size unknown: a text result is refused as soon as it grows past what a string holds, and the download stops', async function () {
    listOutputSize(undefined);
    const total = 64 * MiB;
    let sent = 0;
    let response: ServerResponse | undefined;
    proxy.rewrite({ method: 'GET', path: RESULT, times: 1, respond: (_req, res) => {
      response = res;
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    } });
    const error = await failure(deliver({ format: 'text', ceilings: { ...NODE_CEILINGS, stringBytes: MiB } }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.match(error.message, /is larger than the 1048576 bytes a string can hold, so it cannot be delivered as "text"/);
    assert.ok(response);
    await closedWithin(response, 5000);
    assert.ok(sent < total / 4, `the server sent ${sent} of ${total} bytes`);
  });

  it('a Content-Length over the limit is refused before the body is read', async function () {
    listOutputSize(undefined);
    let response: ServerResponse | undefined;
    proxy.rewrite({ method: 'GET', path: RESULT, times: 1, respond: (_req, res) => {
      response = res;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(50 * MiB) });
      res.write(Buffer.alloc(1024));
    } });
    const error = await failure(deliver({ format: 'buffer', maxBytes: MiB }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.match(error.message, /52428800 bytes\) is larger than the 1048576 bytes allowed in a message/);
    assert.ok(response);
    await closedWithin(response, 5000);
  });

  it('a result of known size is read into one buffer of exactly that size, raw and unpacked', async function () {
    const [raw] = await deliver({ format: 'buffer' });
    const data = raw!.payload as Buffer;
    assert.equal(data.byteLength, output.filesize);
    assert.equal(data.buffer.byteLength, output.filesize, 'one allocation of the listed size');
    for (const file of await deliver({ format: 'buffer', unpack: true })) {
      const bytes = file.payload as Buffer;
      assert.equal(bytes.buffer.byteLength, file.size, `${file.name}: one allocation of its size`);
    }
  });
});
