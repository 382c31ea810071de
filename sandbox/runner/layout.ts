import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Absolute paths of one job folder, laid out like Ocean's compute container under <dir>/data. */
export interface JobPaths {
  dir: string;
  data: string;
  inputs: string;
  algoCustomData: string;
  transformations: string;
  algorithm: string;
  outputs: string;
  logs: string;
  ddos: string;
}

export function jobPaths(baseDir: string, jobId: string): JobPaths {
  const dir = resolve(baseDir, jobId);
  const data = join(dir, 'data');
  const inputs = join(data, 'inputs');
  const transformations = join(data, 'transformations');
  return {
    dir,
    data,
    inputs,
    algoCustomData: join(inputs, 'algoCustomData.json'),
    transformations,
    algorithm: join(transformations, 'algorithm'),
    outputs: join(data, 'outputs'),
    logs: join(data, 'logs'),
    ddos: join(data, 'ddos'),
  };
}

/** True for a name that stays one level below its parent folder (no separators, not `.` or `..`). */
export function isSingleSegment(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** Creates the folders the algorithm sees; `ddos` is empty, as on an Ocean Node without DDO inputs. */
export async function createLayout(paths: JobPaths): Promise<void> {
  for (const folder of [paths.inputs, paths.transformations, paths.outputs, paths.logs, paths.ddos]) {
    await mkdir(folder, { recursive: true });
  }
}
