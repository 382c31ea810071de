import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pack, type Pack } from 'tar-stream';
import type { LogChunk } from './types';

/** Name of the archive's root folder: Ocean Node's outputs.tar is Docker's archive of /data/outputs. */
const ROOT = 'outputs/';

type EntryHeader = Parameters<Pack['entry']>[0];

interface Found {
  name: string;
  path: string;
  type: 'file' | 'directory';
}

/** Regular files and folders below `dir`; symlinks, sockets and devices are left out. */
async function collect(dir: string, prefix: string, found: Found[]): Promise<void> {
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push({ name: `${prefix}${entry.name}/`, path, type: 'directory' });
      await collect(path, `${prefix}${entry.name}/`, found);
    } else if (entry.isFile()) {
      found.push({ name: `${prefix}${entry.name}`, path, type: 'file' });
    }
  }
}

function header(found: Found, stats: Stats, size: number): EntryHeader {
  return {
    name: found.name,
    type: found.type,
    mode: stats.mode & 0o7777,
    uid: stats.uid,
    gid: stats.gid,
    size,
    mtime: stats.mtime,
  };
}

function addEntry(archive: Pack, entryHeader: EntryHeader, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null): void => (error ? reject(error) : resolve());
    if (body === undefined) archive.entry(entryHeader, done);
    else archive.entry(entryHeader, body, done);
  });
}

/**
 * A POSIX (ustar) tar of `outputsDir` named like Ocean Node's outputs.tar: "outputs/" first, then
 * "outputs/<path>" for every folder and regular file, sorted by name. Rejects if the folder is missing.
 */
export async function packOutputs(outputsDir: string): Promise<Buffer> {
  const found: Found[] = [{ name: ROOT, path: outputsDir, type: 'directory' }];
  await collect(outputsDir, ROOT, found);
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const archive = pack();
  const parts: Uint8Array[] = [];
  archive.on('data', (part: unknown) => {
    if (part instanceof Uint8Array) parts.push(part);
  });
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });

  try {
    for (const item of found) {
      const stats = await lstat(item.path);
      if (item.type === 'directory') {
        await addEntry(archive, header(item, stats, 0));
      } else {
        const body = await readFile(item.path);
        await addEntry(archive, header(item, stats, body.length), body);
      }
    }
  } catch (error) {
    archive.destroy();
    throw error;
  }
  archive.finalize();
  await ended;
  return Buffer.concat(parts);
}

/**
 * One chunk in Docker's multiplexed stream format, as Ocean Node's algorithm.log keeps it and its live
 * log stream sends it: an 8-byte header (1 stdout / 2 stderr, three zero bytes, big-endian length), then the data.
 */
export function dockerFrame(chunk: LogChunk): Buffer {
  const head = Buffer.alloc(8);
  head[0] = chunk.stream === 'stdout' ? 1 : 2;
  head.writeUInt32BE(chunk.data.length, 4);
  return Buffer.concat([head, chunk.data]);
}

/** A whole log as Docker frames, one per chunk; empty chunks are skipped. */
export function dockerFrames(chunks: LogChunk[]): Buffer {
  return Buffer.concat(chunks.filter((chunk) => chunk.data.length > 0).map(dockerFrame));
}
