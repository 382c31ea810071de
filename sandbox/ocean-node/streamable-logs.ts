import type { ServerResponse } from 'node:http';
import { isAddress } from 'ethers';
import type { SandboxContext } from '../context';
import { expressText } from '../http/reply';
import { queryParam, type SandboxRequest } from '../http/request';
import { dockerFrame } from '../runner';
import { authenticate } from './auth';
import { localId, queryFields } from './jobs-routes';

const COMMAND = 'getComputeStreamableLogs';
/** The recorded node's answer for an unknown job and for one whose algorithm is not running. */
export const JOB_NOT_RUNNING = 'Job not found or not running';

/**
 * GET /api/services/computeStreamableLogs: signed `getComputeStreamableLogs` (or a token), checked as
 * Ocean Node v3.1.0 does. While the algorithm runs: 200, chunked, no content type, the output from its
 * first byte (the node asks Docker for the logs without `since`), one Docker frame per chunk the process
 * wrote, ending when the process exits. As on the node, headers go out with the first frame (Express
 * piping Docker's stream) and the caller need not own the job: the node checks only the signature or token.
 */
export function streamableLogs(ctx: SandboxContext, req: SandboxRequest, res: ServerResponse): void {
  const jobId = queryParam(req, 'jobId');
  const consumer = queryParam(req, 'consumerAddress');
  if (!jobId) {
    expressText(res, 400, `Missing one ( "jobId" ) or more required field(s) for command: "${COMMAND}". Required fields: jobId`);
    return;
  }
  if (consumer && !isAddress(consumer)) {
    expressText(res, 400, 'Parameter : "consumerAddress" is not a valid web3 address');
    return;
  }
  const auth = authenticate(ctx, req, queryFields(req), COMMAND);
  if (!auth.ok) {
    expressText(res, auth.status, auth.message);
    return;
  }
  const id = localId(jobId);
  if (!id) {
    // The node looks the engine up by the id's prefix and fails when it has none of that hash.
    expressText(res, 500, 'Invalid C2D Environment');
    return;
  }
  // A client gone while the request was read would never send 'close' again: nothing to follow for.
  if (res.destroyed || !res.socket || res.socket.destroyed) return;
  const stop = ctx.jobs.get(id)?.followAlgorithmLog({
    chunk: (chunk) => {
      if (chunk.data.length > 0) res.write(dockerFrame(chunk));
    },
    end: () => res.end(),
  });
  if (!stop) {
    expressText(res, 404, JOB_NOT_RUNNING);
    return;
  }
  res.once('close', stop);
}
