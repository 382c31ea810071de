import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { invalidInput } from '../../ocean/errors';
import { readOption } from './options';

/** The job a message is about: the node's jobId TypedInput (by default msg.jobId). */
export async function readJobId(RED: NodeAPI, node: Node, msg: NodeMessage, config: object): Promise<string> {
  const jobId = await readOption(RED, node, msg, config, {
    field: 'jobId',
    parse: (value, name) => {
      if (value === undefined || value === null || value === '') return undefined;
      if (typeof value !== 'string') throw invalidInput(name, 'the job id compute-start sent as msg.jobId', value);
      return value.trim();
    },
  });
  if (!jobId) throw invalidInput('jobId', 'a job id (compute-start sends it as msg.jobId)', undefined, { hideValue: true });
  return jobId;
}

/** The dataset DID a job ran on, as compute-start left it on msg.ocean (Provider v2 signs it into stops). */
export function jobDid(msg: NodeMessage): string | undefined {
  const did = (msg as { ocean?: { did?: unknown } }).ocean?.did;
  return typeof did === 'string' ? did : undefined;
}
