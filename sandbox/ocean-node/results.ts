import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredResult } from '../jobs/job';
import { dockerFrames, packOutputs } from '../runner';
import type { RunnerJob, RunnerOutcome, RunnerPhase } from '../runner/types';

/**
 * The algorithm's output in Docker's framed format; a container that never started leaves
 * Docker's error text instead, unframed, as the recorded node served it.
 */
async function algorithmLog(runner: RunnerJob, outcome: RunnerOutcome): Promise<Buffer> {
  if (outcome.failure !== 'start') return dockerFrames(outcome.algorithmLog);
  return readFile(join(runner.dir, 'data', 'logs', 'algorithm.log')).catch(() => Buffer.alloc(0));
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
      all.push({ filename: 'algorithm.log', type: 'algorithmLog', data: await algorithmLog(runner, outcome) });
      // A job stopped before its folders existed has no outputs to pack.
      const tar = outcome.failure === 'start' ? undefined : await packOutputs(outcome.outputsDir).catch(() => undefined);
      if (tar) all.push({ filename: 'outputs.tar', type: 'output', data: tar });
      return all;
    }
    return all.slice(0, SEEN_AFTER[phase]);
  };
}
