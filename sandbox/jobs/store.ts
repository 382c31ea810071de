import type { JobRecord } from './job';

/** Every job the sandbox started, in creation order. */
export class JobStore {
  private readonly jobs: JobRecord[] = [];
  private readonly byId = new Map<string, JobRecord>();

  add(job: JobRecord): void {
    this.jobs.push(job);
    this.byId.set(job.id, job);
  }

  get(id: string): JobRecord | undefined {
    return this.byId.get(id);
  }

  ownedBy(owner: string): JobRecord[] {
    return this.jobs.filter((job) => job.owner === owner);
  }

  running(): JobRecord[] {
    return this.jobs.filter((job) => job.running);
  }

  /** Stops every job still running and waits for them (used when the sandbox closes). */
  async stopAll(): Promise<void> {
    const running = this.running();
    for (const job of running) job.stop();
    await Promise.all(running.map((job) => job.done));
  }
}
