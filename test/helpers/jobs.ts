import type { ComputeJob, OceanClient } from '../../src/ocean';

/** Polls a job until it is done (bounded: `maxPolls` polls `intervalMs` apart). */
export async function waitForJob(client: OceanClient, jobId: string, maxPolls = 100, intervalMs = 100): Promise<ComputeJob> {
  for (let i = 0; i < maxPolls; i++) {
    const job = await client.getJob(jobId);
    if (job.done) return job;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`job ${jobId} did not finish within ${maxPolls} polls`);
}

/** Polls until `check` holds for the job (bounded). */
export async function waitUntil(client: OceanClient, jobId: string, check: (job: ComputeJob) => boolean, maxPolls = 100): Promise<ComputeJob> {
  for (let i = 0; i < maxPolls; i++) {
    const job = await client.getJob(jobId);
    if (check(job)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} never reached the expected state`);
}
