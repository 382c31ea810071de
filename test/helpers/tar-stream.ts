import { Readable } from 'node:stream';
import { pack } from 'tar-stream';

/** A tar archive of `files` (name → size in bytes, filled with a repeated letter). */
export async function tarOf(files: Record<string, number>): Promise<Buffer> {
  const archive = pack();
  const done = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  })();
  for (const [name, size] of Object.entries(files)) {
    await new Promise<void>((resolve, reject) => archive.entry({ name, size }, Buffer.alloc(size, 'a'), (error) => (error ? reject(error) : resolve())));
  }
  archive.finalize();
  return done;
}

/** The bytes as a stream of small chunks, each on its own turn of the event loop, as a slow network sends them. */
export function trickle(data: Buffer, chunkSize = 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      setImmediate(() => {
        if (offset >= data.length) {
          this.push(null);
          return;
        }
        this.push(data.subarray(offset, offset + chunkSize));
        offset += chunkSize;
      });
    },
  });
}
