const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Fetches a file the sandbox itself must read (an algorithm's code): 127.0.0.1 only, size-bounded. */
export async function fetchLocal(url: string, maxBytes = 5 * 1024 * 1024): Promise<Buffer> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || !LOOPBACK.has(parsed.hostname)) throw new Error(`refusing to fetch ${parsed.origin}: the sandbox only reads 127.0.0.1`);
  const response = await fetch(parsed, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const data = Buffer.from(await response.arrayBuffer());
  if (data.length > maxBytes) throw new Error(`${url} is larger than ${maxBytes} bytes`);
  return data;
}
