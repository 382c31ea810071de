import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { configNodeFor } from './lib/config-node';
import { InFlight } from './lib/in-flight';
import { jobDid, readJobId } from './lib/job-id';
import { jobMessage } from './lib/job-message';
import { reportFailure } from './lib/node-error';
import { status } from './lib/status';

interface ComputeStopDef extends NodeDef {
  /** Send failures to a second output instead of Catch nodes. */
  errorOutput?: boolean;
  server: string;
  jobId: string;
  jobIdType: string;
}

export = function register(RED: NodeAPI): void {
  function ComputeStopNode(this: Node, def: ComputeStopDef): void {
    RED.nodes.createNode(this, def);
    const failures = { errorOutput: def.errorOutput === true, outputCount: def.errorOutput === true ? 2 : 1 };
    const inFlight = new InFlight(this, RED._('compute-stop.status.stopping'));

    this.on('input', async (msg: NodeMessageInFlow, send, done) => {
      try {
        const connection = configNodeFor(RED, def.server);
        const jobId = await readJobId(RED, this, msg, def);
        inFlight.start();
        const job = await connection.getClient().stopJob(jobId, { did: jobDid(msg) });
        inFlight.succeeded(RED._('compute-stop.status.stopped'));
        send(jobMessage(msg, job, connection.getClient()));
        done();
      } catch (error) {
        inFlight.failed(error);
        reportFailure(failures, msg, error, send, done);
      }
    });

    this.on('close', () => status.clear(this));
  }

  RED.nodes.registerType('compute-stop', ComputeStopNode);
};
