import { randomUUID } from 'node:crypto';
import type { FollowedJob } from '../../src/tracker';

/** A job as compute-start's follow saves it: Ocean Node's id, the node, the message's own fields. */
export function followedJob(index = 0): FollowedJob {
  const jobId = `0x${'5e'.repeat(32)}-${randomUUID()}`;
  return {
    jobId,
    did: `did:op:${'ab'.repeat(32)}`,
    startedAt: 1_700_000_000_000 + index,
    timeoutMs: 600_000,
    context: { nodeId: '9c1f2e3d4b5a6978', msg: { _msgid: 'e1d2c3b4a5968778', topic: `sensor-${index}`, jobId, correlation: { batch: 'night-run', index } } },
  };
}
