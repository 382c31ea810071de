import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { OceanError } from '../../ocean/errors';
import { safeName } from './safe-name';

/** Left in every job folder the node writes: which job, and which files are the node's. */
const MARKER = '.ocean-c2d-job.json';

interface Marker {
  jobId: string;
  files: string[];
}

/**
 * The folder one job's result files go to, inside the node's results folder. Its name
 * (`ocean-job-<id>`) cannot be a user's folder by accident, and the node only ever deletes files
 * it wrote itself: a folder of that name without the node's marker for this job is refused.
 */
export class JobFolder {
  /** Files written by this fetch, relative to the folder. */
  private readonly written: string[] = [];

  private constructor(
    readonly path: string,
    private readonly jobId: string,
    private readonly isNew: boolean,
  ) {}

  static async claim(parent: string, jobId: string): Promise<JobFolder> {
    const path = join(parent, `ocean-job-${safeName(jobId.split('-').pop() || jobId)}`);
    try {
      await mkdir(path);
      return new JobFolder(path, jobId, true);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const marker = await readMarker(path);
    if (marker?.jobId !== jobId) {
      throw new OceanError('UNSAFE_RESULT', `Folder ${path} exists and was not written by this node for job ${jobId}; it is left as it is. Move it away to fetch the results here.`, {
        jobId,
        details: { folder: path },
      });
    }
    const folder = new JobFolder(path, jobId, false);
    // Fetching again replaces the files of the last fetch, and nothing else.
    await Promise.all(marker.files.map((file) => folder.remove(file)));
    await folder.saveMarker();
    return folder;
  }

  /** Records a file as the node's as soon as it exists, so a failure can take it back. */
  wrote(absolutePath: string): void {
    this.written.push(relative(this.path, absolutePath));
  }

  /** The fetch succeeded: the marker lists its files for the next fetch to replace. */
  async commit(): Promise<void> {
    await this.saveMarker();
  }

  /** The fetch failed: removes what it wrote; a folder it created goes entirely. */
  async abandon(): Promise<void> {
    if (this.isNew) {
      await rm(this.path, { recursive: true, force: true });
      return;
    }
    await Promise.all(this.written.map((file) => this.remove(file)));
    this.written.length = 0;
    await this.saveMarker();
  }

  private async remove(file: string): Promise<void> {
    if (isAbsolute(file) || file === '..' || file.startsWith(`..${sep}`)) return;
    await rm(join(this.path, file), { force: true });
  }

  private saveMarker(): Promise<void> {
    const marker: Marker = { jobId: this.jobId, files: this.written };
    return writeFile(join(this.path, MARKER), `${JSON.stringify(marker)}\n`);
  }
}

async function readMarker(folder: string): Promise<Marker | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(folder, MARKER), 'utf8')) as Partial<Marker>;
    if (typeof parsed.jobId !== 'string' || !Array.isArray(parsed.files)) return undefined;
    return { jobId: parsed.jobId, files: parsed.files.filter((f): f is string => typeof f === 'string') };
  } catch {
    return undefined;
  }
}
