import type { NodeMessage } from 'node-red';
import type { ComputeJob, OceanClient } from '../../ocean';
import { mergeOcean } from './message';

/** The incoming message carrying a job: payload, msg.jobId and msg.ocean (DESIGN.md's message contract). */
export function jobMessage(msg: NodeMessage, job: ComputeJob, client: OceanClient, extra: Record<string, unknown> = {}): NodeMessage {
  const out = msg as NodeMessage & { jobId?: string; ocean?: unknown };
  out.payload = job;
  out.jobId = job.jobId;
  out.ocean = mergeOcean(msg, {
    backend: job.backend,
    chainId: client.settings.chainId,
    jobId: job.jobId,
    ...(job.environment ? { environment: job.environment } : {}),
    ...(client.address ? { consumerAddress: client.address } : {}),
    ...extra,
  });
  return out;
}
