import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadLoopback } from './fetch-input';
import { isSingleSegment, type JobPaths } from './layout';
import type { RunnerFailure, RunnerJobSpec } from './types';

export const DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 10_000;

export interface Provisioned {
  /** configuration.log: what was written where, like Ocean Node's. */
  log: string;
  failure?: RunnerFailure;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The file name Ocean Node gives a URL dataset without a DID: the URL's last path segment. */
function inlineName(url: string | undefined, fileIndex: number): string {
  let name = '';
  try {
    name = decodeURIComponent(new URL(url ?? '').pathname.split('/').pop() ?? '');
  } catch {
    // Not a URL the download would accept either; it fails there with its own message.
  }
  return isSingleSegment(name) && name !== 'algoCustomData.json' ? name : String(fileIndex);
}

/**
 * Writes algoCustomData.json, the algorithm and every input file, in Ocean Node's order. Stops at the
 * first problem and reports it as the failure Ocean would give (32 or 31).
 */
export async function provision(spec: RunnerJobSpec, paths: JobPaths, signal: AbortSignal): Promise<Provisioned> {
  let log = '';
  try {
    if (spec.algoCustomData !== undefined) {
      // JSON.stringify gives undefined for a function or symbol; write null rather than nothing.
      await writeFile(paths.algoCustomData, JSON.stringify(spec.algoCustomData) ?? 'null');
      log += `Writing algocustom data to '${paths.algoCustomData}'\n`;
    }
    await writeFile(paths.algorithm, spec.algorithm.code);
    log += `Writing raw algo code to ${paths.algorithm}\n`;
  } catch (error) {
    return { log: `${log}Algorithm provisioning failed: ${reason(error)}\n`, failure: 'algorithm-provisioning' };
  }

  const limits = { maxBytes: spec.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES, timeoutMs: DOWNLOAD_TIMEOUT_MS, signal };
  try {
    for (const [index, input] of spec.inputs.entries()) {
      if (!isSingleSegment(input.did)) throw new Error(`input ${index}: "${input.did}" cannot be a folder name`);
      const folder = input.inline ? paths.inputs : join(paths.inputs, input.did);
      await mkdir(folder, { recursive: true });
      log += `Downloading asset ${index} to ${folder}/\n`;
      for (const [fileIndex, file] of input.files.entries()) {
        const dest = join(folder, input.inline ? inlineName(file.url, fileIndex) : String(fileIndex));
        log += `Downloading asset to ${dest}\n`;
        if (file.content !== undefined) await writeFile(dest, file.content);
        else if (file.url !== undefined) await downloadLoopback(file.url, dest, limits);
        else throw new Error(`input ${index} file ${fileIndex} has neither url nor content`);
      }
    }
  } catch (error) {
    return { log: `${log}Data provisioning failed: ${reason(error)}\n`, failure: 'data-provisioning' };
  }
  return { log: `${log}All good with data provisioning, will start uploading it...\n` };
}
