import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { OceanClient, ResultFile } from '../../ocean';
import { DockerFrameStripper, STREAM_BUFFER_BYTES, extractTarFiles, readLimited, readTarFiles, stripDockerFrames, writeLimited } from '../../ocean';
import { OceanError, invalidInput } from '../../ocean/errors';
import { JobFolder } from './job-folder';
import { NODE_CEILINGS, cannotHold, payloadCeiling, type PayloadCeilings } from './payload-limits';
import { safeName } from './safe-name';

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
  /** Most bytes of all results together: in the message, or (format "file") on disk. */
  maxBytes: number;
  /** For format "file": the checked folder the job's own folder goes into. */
  folder?: string;
  /** What a string and a buffer can hold; Node's own limits unless a test lowers them. */
  ceilings?: PayloadCeilings;
}

const TEXT_NAME = /\.(txt|csv|log|md|tsv|xml|html|yaml|yml)$/i;
const MAX_ENTRIES = 10_000;

/**
 * Results of a job, fetched one by one and shaped for a message (or streamed to files). A result
 * that cannot fit, by the size the job lists or the server announces, is refused before its body
 * is read; one of unknown size as soon as it has grown too large.
 */
export async function deliverResults(client: OceanClient, jobId: string, files: ResultFile[], options: DeliveryOptions): Promise<DeliveredFile[]> {
  if (options.format === 'file') return writeResults(client, jobId, files, options);
  const ceilings = options.ceilings ?? NODE_CEILINGS;
  const ceiling = payloadCeiling(options.format, ceilings);
  const delivered: DeliveredFile[] = [];
  let total = 0;
  for (const file of files) {
    const room = options.maxBytes - total;
    const unpack = options.unpack && file.archive;
    const refuseBySize = (size: number | undefined): void => {
      if (size === undefined) return;
      if (size > room) throw tooLarge(file, size, options.maxBytes, 'in a message');
      // An archive is not one payload: its files are checked one by one, by their headers.
      if (!unpack && size > ceiling) throw cannotHold(file, size, options.format, ceilings);
    };
    refuseBySize(file.filesize);
    const { stream, announcedBytes } = await client.openResult(jobId, file.index, { file });
    try {
      refuseBySize(announcedBytes);
    } catch (error) {
      stream.destroy();
      throw error;
    }
    if (unpack) {
      const checkFile = (name: string, size: number): void => {
        if (size > ceiling) throw cannotHold(file, size, options.format, ceilings, name);
      };
      for (const entry of await readTarFiles(stream, { maxEntries: MAX_ENTRIES, maxTotalBytes: room, checkFile })) {
        total += entry.size;
        delivered.push({ name: entry.name, kind: file.kind, index: file.index, size: entry.size, payload: shape(entry.data, entry.name, file.kind, options.format, ceilings) });
      }
      continue;
    }
    const raw = await readLimited(stream, Math.min(room, ceiling), `Result ${file.index} (${file.filename}) of job ${jobId}`, {
      expectedBytes: file.filesize ?? announcedBytes,
      refusal: ceiling < room ? () => cannotHold(file, undefined, options.format, ceilings) : undefined,
    });
    const data = file.kind === 'algorithmLog' ? stripDockerFrames(raw) : raw;
    total += raw.length;
    delivered.push({ name: file.filename, kind: file.kind, index: file.index, size: data.length, payload: shape(data, file.filename, file.kind, options.format, ceilings) });
  }
  return delivered;
}

function shape(data: Buffer, name: string, kind: string, format: ResultFormat, ceilings: PayloadCeilings): unknown {
  if (format === 'buffer') return data;
  if (format === 'text') return data.toString('utf8');
  // "auto": a file too long for a string stays a buffer, as a .json file that does not parse does.
  if (format === 'auto' && data.length > ceilings.stringBytes) return data;
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

function tooLarge(file: ResultFile, size: number | undefined, maxBytes: number, where: string): OceanError {
  return new OceanError('RESULT_TOO_LARGE', `Result ${file.index} (${file.filename}, ${size} bytes) is larger than the ${maxBytes} bytes allowed ${where}; deliver it to a folder instead (format "file"), or raise the limit`, {
    details: { maxBytes, filesize: size },
  });
}

/**
 * Streams every result into the job's own folder without holding it in memory, within the disk
 * limit; names are made safe. A fetch that fails removes what it wrote.
 */
async function writeResults(client: OceanClient, jobId: string, files: ResultFile[], options: DeliveryOptions): Promise<DeliveredFile[]> {
  if (!options.folder) throw invalidInput('folder', 'a folder to write the results to', undefined, { hideValue: true });
  const folder = await JobFolder.claim(options.folder, jobId);
  try {
    const written: DeliveredFile[] = [];
    let total = 0;
    for (const file of files) {
      if (file.filesize !== undefined && total + file.filesize > options.maxBytes) throw tooLarge(file, file.filesize, options.maxBytes, 'on disk');
      const { stream } = await client.openResult(jobId, file.index, { file });
      if (options.unpack && file.archive) {
        const created: string[] = [];
        try {
          for (const entry of await extractTarFiles(stream, folder.path, { maxEntries: MAX_ENTRIES, maxTotalBytes: options.maxBytes - total }, created)) {
            total += entry.size;
            written.push({ name: entry.name, kind: file.kind, index: file.index, size: entry.size, path: entry.path });
          }
        } finally {
          for (const path of created) folder.wrote(path);
        }
        continue;
      }
      const path = join(folder.path, safeName(file.filename));
      const sink = createWriteStream(path, { flags: 'wx', highWaterMark: STREAM_BUFFER_BYTES });
      // The file is the node's once it exists: wait for that before any byte can fail, or a failure
      // (a limit, a dropped stream) is cleaned up before the file is known and leaves it behind.
      try {
        await once(sink, 'open');
      } catch (error) {
        stream.destroy();
        throw error;
      }
      folder.wrote(path);
      const what = `Result ${file.index} (${file.filename}) of job ${jobId}`;
      total += await writeLimited(stream, sink, options.maxBytes - total, what, file.kind === 'algorithmLog' ? new DockerFrameStripper() : undefined);
      written.push({ name: file.filename, kind: file.kind, index: file.index, size: sink.bytesWritten, path });
    }
    await folder.commit();
    return written;
  } catch (error) {
    await folder.abandon();
    throw error;
  }
}
