import { mkdir, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { OceanClient, ResultFile } from '../../ocean';
import { DockerFrameStripper, extractTarFiles, readLimited, readTarFiles, stripDockerFrames } from '../../ocean';
import { OceanError, invalidInput } from '../../ocean/errors';

export type ResultFormat = 'auto' | 'buffer' | 'text' | 'json' | 'file';

export interface DeliveredFile {
  /** The file's name (inside outputs.tar when unpacked). */
  name: string;
  kind: string;
  index: number;
  size: number;
  payload?: unknown;
  /** Where it was written (format "file"). */
  path?: string;
}

export interface DeliveryOptions {
  format: ResultFormat;
  /** Unpack Ocean Node's outputs.tar into one entry per file. */
  unpack: boolean;
  /** In-message delivery refuses results larger than this. */
  maxBytes: number;
  /** For format "file": files go to <folder>/<job id>/. */
  folder?: string;
}

const TEXT_NAME = /\.(txt|csv|log|md|tsv|xml|html|yaml|yml)$/i;

/** Results of a job, fetched one by one and shaped for a message (or streamed to files). */
export async function deliverResults(client: OceanClient, jobId: string, files: ResultFile[], options: DeliveryOptions): Promise<DeliveredFile[]> {
  if (options.format === 'file') return writeResults(client, jobId, files, options);
  const delivered: DeliveredFile[] = [];
  let total = 0;
  for (const file of files) {
    if (file.filesize !== undefined && total + file.filesize > options.maxBytes) throw tooLarge(file, options.maxBytes);
    const { stream } = await client.openResult(jobId, file.index, { file });
    if (options.unpack && file.archive) {
      for (const entry of await readTarFiles(stream, { maxEntries: 10_000, maxTotalBytes: options.maxBytes - total })) {
        total += entry.size;
        delivered.push({ name: entry.name, kind: file.kind, index: file.index, size: entry.size, payload: shape(entry.data, entry.name, file.kind, options.format) });
      }
      continue;
    }
    const raw = await readLimited(stream, options.maxBytes - total, `Result ${file.index} (${file.filename}) of job ${jobId}`);
    const data = file.kind === 'algorithmLog' ? stripDockerFrames(raw) : raw;
    total += raw.length;
    delivered.push({ name: file.filename, kind: file.kind, index: file.index, size: data.length, payload: shape(data, file.filename, file.kind, options.format) });
  }
  return delivered;
}

function shape(data: Buffer, name: string, kind: string, format: ResultFormat): unknown {
  if (format === 'buffer') return data;
  if (format === 'text') return data.toString('utf8');
  if (format === 'json' || (format === 'auto' && name.toLowerCase().endsWith('.json'))) {
    try {
      return JSON.parse(data.toString('utf8')) as unknown;
    } catch {
      if (format === 'json') throw invalidInput('format', `JSON results, but ${name} is not valid JSON`, undefined, { hideValue: true });
    }
  }
  if (kind !== 'output' || TEXT_NAME.test(name)) return data.toString('utf8');
  return data;
}

function tooLarge(file: ResultFile, maxBytes: number): OceanError {
  return new OceanError('RESULT_TOO_LARGE', `Result ${file.index} (${file.filename}, ${file.filesize} bytes) is larger than the ${maxBytes} bytes allowed in a message; deliver it to a folder instead (format "file"), or raise the limit`, {
    details: { maxBytes, filesize: file.filesize },
  });
}

/** Streams every result to <folder>/<job id>/ without holding it in memory; names are made safe. */
async function writeResults(client: OceanClient, jobId: string, files: ResultFile[], options: DeliveryOptions): Promise<DeliveredFile[]> {
  if (!options.folder) throw invalidInput('folder', 'a folder to write the results to', undefined, { hideValue: true });
  const target = join(options.folder, safeName(jobId.split('-').pop() ?? jobId));
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  const written: DeliveredFile[] = [];
  for (const file of files) {
    const { stream } = await client.openResult(jobId, file.index, { file });
    if (options.unpack && file.archive) {
      for (const entry of await extractTarFiles(stream, target)) written.push({ name: entry.name, kind: file.kind, index: file.index, size: entry.size, path: entry.path });
      continue;
    }
    const path = join(target, safeName(file.filename));
    const source = file.kind === 'algorithmLog' ? stream.pipe(new DockerFrameStripper()) : stream;
    const sink = createWriteStream(path);
    await pipeline(source, sink);
    written.push({ name: file.filename, kind: file.kind, index: file.index, size: sink.bytesWritten, path });
  }
  return written;
}

/** A file name that cannot leave its folder or trip a file system. */
export function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[^\w.-]/g, '_').replace(/^\.+/, '_');
  return base === '' ? 'result' : base.slice(0, 200);
}
