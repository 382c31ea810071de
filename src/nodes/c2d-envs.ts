import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { ComputeEnvironment, EnvironmentConstraints } from '../ocean';
import { configNodeFor } from './lib/config-node';
import { readConstraints, readMode, type ConstraintFields } from './lib/environment-options';
import { reportFailure } from './lib/node-error';
import { status } from './lib/status';
import { mergeOcean } from './lib/message';

interface C2dEnvsDef extends NodeDef, ConstraintFields {
  /** Send failures to a second output instead of Catch nodes. */
  errorOutput?: boolean;
  server: string;
  mode: string;
  modeType: string;
}

export = function register(RED: NodeAPI): void {
  function C2dEnvsNode(this: Node, def: C2dEnvsDef): void {
    RED.nodes.createNode(this, def);
    const failures = { errorOutput: def.errorOutput === true, outputCount: def.errorOutput === true ? 2 : 1 };

    this.on('input', async (msg: NodeMessageInFlow, send, done) => {
      try {
        const client = configNodeFor(RED, def.server).getClient();
        const mode = await readMode(RED, this, msg, def);
        const constraints: EnvironmentConstraints = await readConstraints(RED, this, msg, def);
        status.working(this, RED._('c2d-envs.status.requesting'));
        const output = msg as NodeMessageInFlow & { ocean?: Record<string, unknown> };
        if (mode === 'pick') {
          const env: ComputeEnvironment = await client.pickEnvironment(constraints);
          output.payload = env;
          output.ocean = mergeOcean(msg, { backend: env.backend, chainId: env.chainId, environment: env.id });
          status.done(this, RED._('c2d-envs.status.picked', { id: env.id.slice(0, 12) }));
        } else {
          const matching = await client.matchingEnvironments(constraints);
          output.payload = matching;
          status.done(this, RED._('c2d-envs.status.listed', { count: matching.length }));
        }
        send(output);
        done();
      } catch (error) {
        status.failed(this, error);
        reportFailure(failures, msg, error, send, done);
      }
    });

    this.on('close', () => status.clear(this));
  }

  RED.nodes.registerType('c2d-envs', C2dEnvsNode);
};
