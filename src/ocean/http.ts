import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import { Transform, pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { AxiosError, AxiosInstance, AxiosResponse, RawAxiosResponseHeaders } from 'axios';
import { loadAxios, loadAxiosRetry, loadNodeHttp } from './load-on-use';
import { OceanError, type OceanErrorCode } from './errors';
import { JsonListError, JsonListReader } from './json-list';
import { PASS_THROUGH_BYTES } from './results/buffer-size';
import { parseErrorBody } from './server-message';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  /** What the caller is doing, in words, for error messages: "list compute environments". */
  operation: string;
  method: HttpMethod;
  url: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Safe to send again: transport failures, 502-504 and short 429 waits are retried. */
  idempotent?: boolean;
  /** Carries a signature, nonce or auth token: never follows a redirect. */
  signed?: boolean;
  /** Deadline for the answer: the whole body for text/JSON, the headers for a stream. */
  timeoutMs?: number;
  /** Most bytes of a text/JSON answer (default 16 MiB). */
  maxBytes?: number;
}

export interface TextResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface StreamResponse {
  status: number;
  headers: Record<string, string>;
  stream: Readable;
}

export interface HttpClientOptions {
  timeoutMs?: number;
  /** Retries for idempotent requests. */
  retries?: number;
  /** Longest wait the transport accepts before a retry; longer 429 waits go back to the caller. */
  maxRetryDelayMs?: number;
  /** A streamed body (a result) that sends nothing for this long is cut off (default 60 s). */
  streamIdleMs?: number;
  /** A streamed body must have arrived whole by then (default 30 min). */
  streamDeadlineMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_STREAM_IDLE_MS = 60_000;
const DEFAULT_STREAM_DEADLINE_MS = 30 * 60_000;
/** Redirects an unsigned request follows, on the same origin only. */
const MAX_REDIRECTS = 3;
const RETRYABLE_STATUSES = new Set([502, 503, 504]);
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
/** The longest a list answer is read and parsed before other work gets a turn. */
const LIST_SLICE_MS = 10;
const LIST_PIECE_BYTES = 64 * 1024;

/**
 * One axios instance per connection: timeouts, bounded retries for idempotent calls, and one
 * AbortController that cancels every request still in flight when the owner closes.
 */
export class HttpClient {
  private readonly instance: AxiosInstance;
  private readonly inFlight = new Set<AbortController>();
  private isClosed = false;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly streamIdleMs: number;
  private readonly streamDeadlineMs: number;

  constructor(options: HttpClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = options.retries ?? 2;
    this.streamIdleMs = options.streamIdleMs ?? DEFAULT_STREAM_IDLE_MS;
    this.streamDeadlineMs = options.streamDeadlineMs ?? DEFAULT_STREAM_DEADLINE_MS;
    const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
    const { default: axiosRetry, exponentialDelay } = loadAxiosRetry();
    this.instance = loadAxios().default.create({ proxy: false });
    axiosRetry(this.instance, {
      retries: this.retries,
      retryCondition: (error) => isTransient(error, maxRetryDelayMs),
      retryDelay: (count, error) => Math.min(maxRetryDelayMs, exponentialDelay(count, error, 150)),
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Requests currently waiting for an answer. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Cancels every request in flight; later requests fail at once with ABORTED. */
  close(): void {
    this.isClosed = true;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  async text(request: HttpRequest): Promise<TextResponse> {
    const response = await this.send<string>(request, 'text');
    return { status: response.status, headers: flatHeaders(response.headers), text: response.data };
  }

  /** Sends the request and parses the body as JSON; a body that is not JSON is a BAD_RESPONSE. */
  async json<T = unknown>(request: HttpRequest): Promise<T> {
    const response = await this.text(request);
    try {
      return JSON.parse(response.text) as T;
    } catch {
      const start = response.text.trim().slice(0, 60);
      throw new OceanError(
        'BAD_RESPONSE',
        `Could not ${request.operation}: ${describeUrl(request.url)} answered HTTP ${response.status} with a body that is not JSON (${start ? JSON.stringify(start) : 'empty'})`,
        { httpStatus: response.status },
      );
    }
  }

  /**
   * Like `json`, for answers that may be long lists (a wallet's jobs): the array is read as it
   * arrives and parsed element by element, with turns of the event loop between slices, so a list
   * of megabytes never blocks Node-RED for a whole parse. A body that is not an array is parsed
   * whole and returned as it is. Same limits as `json`: the timeout bounds the whole answer.
   */
  async jsonList(request: HttpRequest): Promise<unknown> {
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const response = await this.stream({ ...request, timeoutMs });
    const where = describeUrl(request.url);
    const maxBytes = request.maxBytes ?? DEFAULT_MAX_BYTES;
    const reader = new JsonListReader();
    const decoder = new StringDecoder('utf8');
    const { stream } = response;
    const cutOff = setTimeout(
      () => stream.destroy(new OceanError('TIMEOUT', `Could not ${request.operation}: no answer from ${where} within ${timeoutMs} ms`)),
      Math.max(0, timeoutMs - (performance.now() - started)),
    );
    let bytes = 0;
    let sliceStart = performance.now();
    try {
      for await (const chunk of stream) {
        const data = chunk as Buffer;
        bytes += data.length;
        if (bytes > maxBytes) throw new OceanError('BAD_RESPONSE', `Could not ${request.operation}: ${where} answered more than ${maxBytes} bytes`);
        // What arrived while we were busy comes as one chunk: read it in pieces too.
        for (let offset = 0; offset < data.length; offset += LIST_PIECE_BYTES) {
          reader.push(decoder.write(data.subarray(offset, offset + LIST_PIECE_BYTES)));
          if (performance.now() - sliceStart > LIST_SLICE_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            sliceStart = performance.now();
          }
        }
      }
      reader.push(decoder.end());
      return reader.end();
    } catch (error) {
      if (error instanceof OceanError) throw error;
      if (error instanceof JsonListError) {
        throw new OceanError('BAD_RESPONSE', `Could not ${request.operation}: ${where} answered HTTP ${response.status} with a body that is not JSON (${error.message})`, {
          httpStatus: response.status,
        });
      }
      if (this.closed || request.signal?.aborted) throw new OceanError('ABORTED', `Could not ${request.operation}: the request to ${where} was cancelled`);
      throw new OceanError('UNREACHABLE', `Could not ${request.operation}: the answer from ${where} was cut off (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      clearTimeout(cutOff);
      stream.destroy();
    }
  }

  async stream(request: HttpRequest): Promise<StreamResponse> {
    const response = await this.send<Readable>(request, 'stream');
    return { status: response.status, headers: flatHeaders(response.headers), stream: response.data };
  }

  private async send<T>(request: HttpRequest, responseType: 'text' | 'stream'): Promise<AxiosResponse<T>> {
    if (this.closed) {
      throw new OceanError('ABORTED', `Could not ${request.operation}: the connection was closed`);
    }
    const controller = new AbortController();
    const unlink = followAbort(request.signal, controller);
    this.inFlight.add(controller);
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    // axios's own timeout only watches for silence; this one bounds the whole exchange.
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const release = (): void => {
      clearTimeout(deadline);
      this.inFlight.delete(controller);
      unlink();
    };
    let releaseLater = false;
    try {
      const response = await this.instance.request<T>({
        method: request.method,
        url: request.url,
        params: cleanQuery(request.query),
        data: request.body,
        headers: request.body === undefined ? request.headers : { 'Content-Type': 'application/json', ...request.headers },
        timeout: timeoutMs,
        signal: controller.signal,
        responseType,
        maxContentLength: responseType === 'text' ? (request.maxBytes ?? DEFAULT_MAX_BYTES) : -1,
        maxRedirects: request.signed ? 0 : MAX_REDIRECTS,
        beforeRedirect: (options: Record<string, unknown>) => refuseOtherOrigins(request, options),
        transformResponse: responseType === 'text' ? [(data: unknown) => data] : undefined,
        'axios-retry': { retries: request.idempotent ? this.retries : 0 },
        ...(request.idempotent ? {} : freshConnection()),
      });
      if (responseType === 'stream') {
        // The body is still arriving: keep it cancellable and bounded until the stream ends.
        releaseLater = true;
        clearTimeout(deadline);
        const watched = watchStream(response.data as Readable, request, this.streamIdleMs, this.streamDeadlineMs);
        watched.once('close', release);
        response.data = watched as T;
      }
      return response;
    } catch (error) {
      throw await toOceanError(error, request, timeoutMs, timedOut);
    } finally {
      if (!releaseLater) release();
    }
  }
}

let freshAgents: { httpAgent: HttpAgent; httpsAgent: HttpsAgent } | undefined;

/**
 * Agents that open a connection per request. A call that must not be sent twice goes on one: on
 * a kept-alive connection the server may close for idling (after 5 s on Node.js servers) just as
 * the call is sent, and the reset cannot tell whether the server saw it.
 */
function freshConnection(): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  if (!freshAgents) {
    const { http, https } = loadNodeHttp();
    freshAgents = { httpAgent: new http.Agent({ keepAlive: false }), httpsAgent: new https.Agent({ keepAlive: false }) };
  }
  return freshAgents;
}

/** Refuses a redirect to another origin; throwing here makes follow-redirects fail the request. */
function refuseOtherOrigins(request: HttpRequest, options: Record<string, unknown>): void {
  const target = typeof options.href === 'string' ? options.href : `${String(options.protocol)}//${String(options.host ?? options.hostname)}`;
  if (originOf(target) !== originOf(request.url)) {
    throw new OceanError('BAD_RESPONSE', `Could not ${request.operation}: ${describeUrl(request.url)} redirected to ${originOf(target)}, another server, which is not followed`);
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * The body of a streamed answer, cut off with a TIMEOUT its reader sees when it stalls or takes
 * too long. A pass-through, so the reader still decides when data flows; its buffer holds one
 * socket read (more made large downloads slower: see PASS_THROUGH_BYTES).
 */
function watchStream(source: Readable, request: HttpRequest, idleMs: number, deadlineMs: number): Readable {
  const fail = (why: string): void => {
    watched.destroy(new OceanError('TIMEOUT', `Could not ${request.operation}: the answer from ${describeUrl(request.url)} ${why}`));
  };
  const idle = setTimeout(() => fail(`sent nothing for ${idleMs} ms`), idleMs);
  const whole = setTimeout(() => fail(`did not arrive whole within ${deadlineMs} ms`), deadlineMs);
  const watched = new Transform({
    highWaterMark: PASS_THROUGH_BYTES,
    transform(chunk: Buffer, _encoding, callback): void {
      idle.refresh();
      callback(null, chunk);
    },
  });
  watched.once('close', () => {
    clearTimeout(idle);
    clearTimeout(whole);
  });
  // Its reader (a pipeline, a for-await) sees the error; an abandoned stream must not crash the process.
  watched.on('error', () => undefined);
  pipeline(source, watched, () => undefined);
  return watched;
}

/** Aborts `controller` when `signal` aborts; returns a function that removes the link. */
function followAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    controller.abort();
    return () => undefined;
  }
  const onAbort = (): void => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** An OceanError thrown inside the transport (a refused redirect), found along the error's causes. */
function oceanCause(error: unknown): OceanError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof OceanError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTransient(error: AxiosError, maxRetryDelayMs: number): boolean {
  if (error.code === 'ERR_CANCELED' || oceanCause(error)) return false;
  const { isNetworkError, retryAfter } = loadAxiosRetry();
  if (!error.response) return isNetworkError(error) || error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT';
  const status = error.response.status;
  if (RETRYABLE_STATUSES.has(status)) return true;
  if (status === 429) {
    const wait = retryAfter(error);
    return wait > 0 && wait <= maxRetryDelayMs;
  }
  return false;
}

async function toOceanError(error: unknown, request: HttpRequest, timeoutMs: number, timedOut: boolean): Promise<OceanError> {
  if (error instanceof OceanError) return error;
  const cause = oceanCause(error);
  if (cause) return cause;
  if (!loadAxios().default.isAxiosError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new OceanError('SERVER_ERROR', `Could not ${request.operation}: ${message}`);
  }
  const where = describeUrl(request.url);
  if (timedOut || (!error.response && (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT'))) {
    return new OceanError('TIMEOUT', `Could not ${request.operation}: no answer from ${where} within ${timeoutMs} ms`);
  }
  if (error.code === 'ERR_CANCELED') {
    return new OceanError('ABORTED', `Could not ${request.operation}: the request to ${where} was cancelled`);
  }
  if (error.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(error.message)) {
    return new OceanError('BAD_RESPONSE', `Could not ${request.operation}: ${where} answered more than ${request.maxBytes ?? DEFAULT_MAX_BYTES} bytes`);
  }
  if (error.response && error.response.status >= 300 && error.response.status < 400) {
    error.response.data = undefined;
    const location = originOf(String(error.response.headers?.location ?? ''));
    return new OceanError('BAD_RESPONSE', `Could not ${request.operation}: ${where} answered with a redirect (HTTP ${error.response.status}${location ? ` to ${location}` : ''}), which a signed request does not follow`, {
      httpStatus: error.response.status,
    });
  }
  if (!error.response) {
    const reason = NETWORK_REASONS[error.code ?? ''] ?? error.message;
    return new OceanError(
      'UNREACHABLE',
      `Could not ${request.operation}: cannot reach ${where} (${reason}). Check that the server runs and the URL is right.`,
      { details: { reason: error.code ?? 'unknown' } },
    );
  }
  const { status } = error.response;
  const body = await readBody(error.response.data);
  const parsed = parseErrorBody(body);
  const detail = parsed.message ? `: ${parsed.message}` : '';
  const message = `Could not ${request.operation}: ${where} answered HTTP ${status}${detail}`;
  const headers = flatHeaders(error.response.headers);
  const code = codeForStatus(status, parsed.message, parsed.fields);
  const options = {
    httpStatus: status,
    retryable: code === 'RATE_LIMITED' || RETRYABLE_STATUSES.has(status),
    retryAfterMs: code === 'RATE_LIMITED' ? rateLimitWaitMs(headers['retry-after'], parsed.message) : undefined,
    details: parsed.fields.length > 0 ? { fields: parsed.fields, serverMessage: parsed.message } : { serverMessage: parsed.message },
  };
  return new OceanError(code, message, options);
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

function codeForStatus(status: number, message: string, fields: string[]): OceanErrorCode {
  if (status === 429 || /rate limit/i.test(message)) return 'RATE_LIMITED';
  if (status === 401) return 'AUTH_REJECTED';
  if (status === 400 && (fields.includes('signature') || fields.includes('nonce'))) return 'AUTH_REJECTED';
  if (status === 403) return 'ACCESS_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status >= 500) return 'SERVER_ERROR';
  return 'REQUEST_REJECTED';
}

function rateLimitWaitMs(header: string | undefined, message: string): number {
  const fromHeader = Number(header);
  if (header && Number.isFinite(fromHeader)) return Math.max(0, fromHeader * 1000);
  const fromBody = /try again in (\d+) seconds?/i.exec(message);
  if (fromBody) return Number(fromBody[1]) * 1000;
  return DEFAULT_RATE_LIMIT_WAIT_MS;
}

async function readBody(data: unknown): Promise<string> {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (data && typeof (data as Readable).on === 'function') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of data as Readable) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > MAX_ERROR_BODY_BYTES) break;
      chunks.push(buffer);
    }
    (data as Readable).destroy();
    return Buffer.concat(chunks).toString('utf8');
  }
  return data === undefined || data === null ? '' : JSON.stringify(data);
}

function flatHeaders(headers: RawAxiosResponseHeaders | AxiosResponse['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

function cleanQuery(query: HttpRequest['query']): Record<string, string> | undefined {
  if (!query) return undefined;
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) clean[key] = String(value);
  }
  return clean;
}

/** The URL without its query string: queries carry signatures and nonces that messages don't need. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
