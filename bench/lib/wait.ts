/** Waits until `check` holds, looking every `everyMs` (0: every turn of the event loop); fails after `limitMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, limitMs: number, everyMs = 50): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((resolve) => (everyMs > 0 ? setTimeout(resolve, everyMs) : setImmediate(resolve)));
  }
}
