import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { StoredResult } from '../jobs/job';
import type { RunnerOutcome, RunnerPhase } from '../runner/types';

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * pod-publishing's list, only once the job is published: each file of /data/outputs as an
 * `output`, then algorithm.log, then the admin logs (with the legacy "configrationLog" spelling).
 */
export function providerV2Results() {
  return async (_phase: RunnerPhase, outcome?: RunnerOutcome): Promise<StoredResult[]> => {
    if (!outcome) return [];
    const outputs = await filesUnder(outcome.outputsDir);
    const results: StoredResult[] = [];
    for (const path of outputs) {
      results.push({ filename: relative(outcome.outputsDir, path), type: 'output', data: await readFile(path) });
    }
    results.push({ filename: 'algorithm.log', type: 'algorithmLog', data: Buffer.concat(outcome.algorithmLog.map((chunk) => chunk.data)) });
    results.push({ filename: 'configure.log', type: 'configrationLog', data: Buffer.from(outcome.configurationLog) });
    results.push({ filename: 'publish.log', type: 'publishLog', data: Buffer.from(`published ${outputs.length} output file(s)\n`) });
    return results;
  };
}
