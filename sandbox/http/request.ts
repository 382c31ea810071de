import type { IncomingHttpHeaders } from 'node:http';

/** A parsed request as the sandbox's route handlers see it. */
export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (only for `application/json`), else undefined. */
  body: unknown;
  rawBody: Buffer;
  params: Record<string, string>;
  /** Who the rate limiter counts: the X-Forwarded-For value, else the socket address. */
  client: string;
}

export function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A query parameter, or undefined when absent. */
export function queryParam(req: SandboxRequest, name: string): string | undefined {
  const value = req.query.get(name);
  return value === null ? undefined : value;
}
