import { constants } from 'node:buffer';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { Header } from 'tar-stream';
import { loadTarStream } from '../load-on-use';
import { OceanError } from '../errors';
import { STREAM_BUFFER_BYTES } from './buffer-size';

export interface TarLimits {
  maxEntries: number;
  /** Most bytes of all files together. */
  maxTotalBytes: number;
  /** Refuses one file, by throwing, from its name and size before any of its bytes are read. */
  checkFile?(name: string, size: number): void;
}

export interface TarFile {
  /** Path inside the archive, without the leading "outputs/" folder Ocean Node puts there. */
  name: string;
  size: number;
}

export interface TarFileData extends TarFile {
  data: Buffer;
}

export const DEFAULT_TAR_LIMITS: TarLimits = { maxEntries: 10_000, maxTotalBytes: 512 * 1024 * 1024 };

/**
 * A safe relative path for an archive entry, or an error: no absolute paths, no "..", no
 * links (a link could point outside the folder), only regular files.
 */
export function safeEntryName(header: Header): string | null {
  if (header.type === 'directory') return null;
  if (header.type !== 'file' && header.type !== 'contiguous-file') {
    throw new OceanError('UNSAFE_RESULT', `The result archive holds a ${header.type ?? 'special'} entry "${header.name}"; only regular files are taken`);
  }
  const normal = posix.normalize(header.name.replace(/\\/g, '/'));
  if (normal.startsWith('/') || normal === '..' || normal.startsWith('../') || /^[a-zA-Z]:/.test(normal)) {
    throw new OceanError('UNSAFE_RESULT', `The result archive holds an entry outside its folder: "${header.name}"`);
  }
  const name = normal.replace(/^(\.\/)?outputs\//, '');
  return name === '' || name === '.' ? null : name;
}

type EntryStream = AsyncIterable<unknown> & { resume(): void };
type EntryHandler = (name: string, header: Header, stream: EntryStream) => Promise<void>;

async function walk(source: Readable, limits: TarLimits, onFile: EntryHandler): Promise<void> {
  const archive = loadTarStream().extract();
  let entries = 0;
  let total = 0;
  // A handler's own error (an unsafe entry, a file that cannot be written) is reported as it is;
  // once the archive itself has failed, later handler errors are only its consequence.
  let failure: unknown;
  let archiveFailed = false;
  let running: Promise<void> = Promise.resolve();
  const done = new Promise<void>((resolve, reject) => {
    archive.on('entry', (header, stream, next) => {
      // Refusing an entry destroys the archive, and with it this stream: its error is the
      // archive's, reported through `done`, and must not surface as an uncaught exception.
      stream.on('error', () => undefined);
      const proceed = async (): Promise<void> => {
        const name = safeEntryName(header);
        if (name === null) {
          stream.resume();
          return;
        }
        entries += 1;
        total += header.size ?? 0;
        if (entries > limits.maxEntries) throw new OceanError('RESULT_TOO_LARGE', `The result archive has more than ${limits.maxEntries} files`);
        if (total > limits.maxTotalBytes) throw new OceanError('RESULT_TOO_LARGE', `The result archive holds more than ${limits.maxTotalBytes} bytes`);
        limits.checkFile?.(name, header.size ?? 0);
        await onFile(name, header, stream);
      };
      running = proceed().then(
        () => next(),
        (error: unknown) => {
          if (!archiveFailed) failure ??= error;
          stream.resume();
          archive.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
    archive.on('finish', resolve);
    archive.on('error', (error) => {
      archiveFailed = true;
      reject(error);
    });
  });
  try {
    await Promise.all([pipeline(source, archive), done]);
  } catch (error) {
    await running;
    if (failure !== undefined) throw failure;
    throw error instanceof OceanError ? error : new OceanError('BAD_RESPONSE', `The result archive could not be read: ${(error as Error).message}`);
  }
}

/** Opens the file an entry is written to: a new one (never one already there), or an error. */
export type OpenFile = (path: string) => Writable;

/** A new file, written with a large buffer: disks take big writes better than 64 KiB ones. */
export const openNewFile: OpenFile = (path) => createWriteStream(path, { flags: 'wx', highWaterMark: STREAM_BUFFER_BYTES });

/**
 * Streams one entry into a new file; `opened` runs once the file exists and is ours. While the
 * file is behind, the entry is not read, and the archive waits with it (memory stays bounded).
 */
async function writeStream(stream: EntryStream, path: string, openFile: OpenFile, opened: () => void): Promise<void> {
  const file = openFile(path);
  // Listens from the start, so an open error (EEXIST) is never unhandled; settles with that error.
  const closed = finished(file);
  closed.catch(() => undefined);
  file.once('open', opened);
  try {
    // Read by hand: leaving a for-await early would destroy the entry, and with it the archive.
    const chunks = stream[Symbol.asyncIterator]();
    for (let next = await chunks.next(); !next.done && !file.destroyed; next = await chunks.next()) {
      if (!file.write(next.value as Buffer)) await Promise.race([once(file, 'drain'), closed]);
    }
  } finally {
    file.end();
    await closed;
  }
}

/** One entry's bytes, in a single buffer of the size its header gives. */
async function readEntry(stream: EntryStream, name: string, size: number): Promise<Buffer> {
  if (size > constants.MAX_LENGTH) throw new OceanError('RESULT_TOO_LARGE', `${name} in the result archive is ${size} bytes, more than a buffer can hold (${constants.MAX_LENGTH})`);
  const data = Buffer.alloc(size);
  let offset = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    if (offset + bytes.length > size) throw new OceanError('BAD_RESPONSE', `The result archive holds more bytes for ${name} than its header says (${size})`);
    bytes.copy(data, offset);
    offset += bytes.length;
  }
  return offset === size ? data : data.subarray(0, offset);
}

/** Reads every file of a tar stream into memory, within the limits. */
export async function readTarFiles(source: Readable, limits: TarLimits = DEFAULT_TAR_LIMITS): Promise<TarFileData[]> {
  const files: TarFileData[] = [];
  await walk(source, limits, async (name, header, stream) => {
    const data = await readEntry(stream, name, header.size ?? 0);
    files.push({ name, size: data.length, data });
  });
  return files;
}

/**
 * Writes every file of a tar stream under `folder`, streaming, never outside it. Each file is
 * added to `created` as soon as it exists, so a caller can remove what a failed extraction left
 * behind (and nothing that was there before). `openFile` opens each new file (tests give a slow one).
 */
export async function extractTarFiles(
  source: Readable,
  folder: string,
  limits: TarLimits = DEFAULT_TAR_LIMITS,
  created: string[] = [],
  openFile: OpenFile = openNewFile,
): Promise<Array<TarFile & { path: string }>> {
  const written: Array<TarFile & { path: string }> = [];
  await walk(source, limits, async (name, header, stream) => {
    const path = join(folder, ...name.split('/'));
    const inside = relative(folder, path);
    if (isAbsolute(inside) || inside.split(sep).includes('..')) {
      throw new OceanError('UNSAFE_RESULT', `The result archive holds an entry outside its folder: "${header.name}"`);
    }
    await mkdir(dirname(path), { recursive: true });
    await writeStream(stream, path, openFile, () => created.push(path));
    written.push({ name, size: header.size ?? 0, path });
  });
  return written;
}
