import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredResult } from '../jobs/job';
import { dockerFrames, packOutputs } from '../runner';
import type { LogChunk, RunnerJob, RunnerOutcome, RunnerPhase } from '../runner/types';

/** A container that never started leaves Docker's error text in the log instead of its output. */
async function algorithmLog(runner: RunnerJob, outcome: RunnerOutcome): Promise<LogChunk[]> {
  if (outcome.failure !== 'start' || outcome.algorithmLog.length > 0) return outcome.algorithmLog;
  const text = await readFile(join(runner.dir, 'data', 'logs', 'algorithm.log')).catch(() => Buffer.alloc(0));
  return text.length > 0 ? [{ stream: 'stderr', data: text }] : [];
}

const SEEN_AFTER: Record<RunnerPhase, number> = { pulling: 0, configuring: 1, provisioning: 1, running: 2, publishing: 2, finished: 4 };

/**
 * Ocean Node's result files, in its order, growing as the job runs: image.log once the image
 * is pulled, configuration.log once the algorithm runs, then algorithm.log (Docker-framed) and
 * outputs.tar. A job whose container could not start has no outputs.tar.
 */
export function oceanNodeResults(runner: RunnerJob) {
  return async (phase: RunnerPhase, outcome?: RunnerOutcome): Promise<StoredResult[]> => {
    const logs = outcome ?? runner.snapshot();
    const all: StoredResult[] = [
      { filename: 'image.log', type: 'imageLog', data: Buffer.from(logs.imageLog) },
      { filename: 'configuration.log', type: 'configurationLog', data: Buffer.from(logs.configurationLog) },
    ];
    if (outcome) {
      all.push({ filename: 'algorithm.log', type: 'algorithmLog', data: dockerFrames(await algorithmLog(runner, outcome)) });
      if (outcome.failure !== 'start') all.push({ filename: 'outputs.tar', type: 'output', data: await packOutputs(outcome.outputsDir) });
      return all;
    }
    return all.slice(0, SEEN_AFTER[phase]);
  };
}
