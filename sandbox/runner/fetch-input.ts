import { createWriteStream } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** URL host -> the address actually dialled; `localhost` is pinned so no resolver can send it elsewhere. */
const LOOPBACK: ReadonlyMap<string, string> = new Map([
  ['127.0.0.1', '127.0.0.1'],
  ['localhost', '127.0.0.1'],
  ['[::1]', '::1'],
]);

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Aborts the download (the job was stopped). */
  signal: AbortSignal;
}

class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) callback(new Error(`input is larger than ${this.maxBytes} bytes`));
    else callback(null, chunk);
  }
}

function get(url: URL, address: string, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { host: url.host },
        // A fresh connection closed after the answer: nothing is left open in a keep-alive pool.
        agent: false,
        signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Downloads one http URL on 127.0.0.1, localhost or ::1 to `dest`. Rejects with a readable reason for
 * any other host or scheme, a non-2xx answer (redirects are not followed), a body over the limit,
 * the timeout, or an abort.
 */
export async function downloadLoopback(rawUrl: string, dest: string, limits: DownloadLimits): Promise<void> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new Error(`not a valid URL: ${rawUrl}`);
  }
  const address = LOOPBACK.get(url.hostname);
  if (url.protocol !== 'http:' || address === undefined) {
    throw new Error(`refusing ${url.protocol}//${url.host}: the sandbox fetches inputs only over http from 127.0.0.1, localhost or ::1`);
  }

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  const onStop = (): void => controller.abort();
  limits.signal.addEventListener('abort', onStop, { once: true });
  if (limits.signal.aborted) controller.abort();

  try {
    const response = await get(url, address, controller.signal);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      response.resume();
      throw new Error(`GET ${rawUrl} answered HTTP ${status}`);
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      response.destroy();
      throw new Error(`input is larger than ${limits.maxBytes} bytes (content-length ${declared})`);
    }
    await pipeline(response, new ByteLimit(limits.maxBytes), createWriteStream(dest), { signal: controller.signal });
  } catch (error) {
    if (timedOut) throw new Error(`GET ${rawUrl} took longer than ${limits.timeoutMs} ms`, { cause: error });
    if (limits.signal.aborted) throw new Error(`GET ${rawUrl} aborted: the job was stopped`, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
    limits.signal.removeEventListener('abort', onStop);
  }
}
