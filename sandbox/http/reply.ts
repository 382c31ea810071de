import type { ServerResponse } from 'node:http';

/**
 * Response writers that reproduce the framing of the real servers: Ocean Node is Express
 * (`res.json` / `res.send`), Provider v2 is Flask (`jsonify`: sorted keys, trailing newline).
 */
export function expressJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

export function expressText(res: ServerResponse, status: number, text: string): void {
  send(res, status, 'text/html; charset=utf-8', text);
}

export function expressNotFound(res: ServerResponse, method: string, path: string): void {
  expressText(res, 404, expressErrorPage(`Cannot ${method} ${escapeHtml(path)}`));
}

export function expressErrorPage(pre: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${pre}</pre>\n</body>\n</html>\n`;
}

export function flaskJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', `${JSON.stringify(sortKeys(value))}\n`);
}

/** 200 with no body and no content type, as Ocean Node answers a result that does not exist yet. */
export function emptyBody(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Length': '0' });
  res.end();
}

export function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  // Set one by one (as Express does), so that the request record can read the length back.
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(buffer.length));
  res.writeHead(status);
  res.end(buffer);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
