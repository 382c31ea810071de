import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { ComputeEnvironment, EnvironmentConstraints, OceanClient, Withdrawal } from '../ocean';
import { configNodeFor } from './lib/config-node';
import { readConstraints, readMode, type ConstraintFields } from './lib/environment-options';
import { reportFailure } from './lib/node-error';
import { parse, readOption } from './lib/options';
import { status } from './lib/status';
import { mergeOcean } from './lib/message';

interface C2dEnvsDef extends NodeDef, ConstraintFields {
  /** Send failures to a second output instead of Catch nodes. */
  errorOutput?: boolean;
  server: string;
  mode: string;
  modeType: string;
  /** Withdraw mode: the token (blank: every token the escrow holds), and how much (blank: all available). */
  withdrawToken?: string;
  withdrawTokenType?: string;
  withdrawAmount?: string;
  withdrawAmountType?: string;
}

export = function register(RED: NodeAPI): void {
  function C2dEnvsNode(this: Node, def: C2dEnvsDef): void {
    RED.nodes.createNode(this, def);
    const failures = { errorOutput: def.errorOutput === true, outputCount: def.errorOutput === true ? 2 : 1 };

    this.on('input', async (msg: NodeMessageInFlow, send, done) => {
      try {
        const client = configNodeFor(RED, def.server).getClient();
        const mode = await readMode(RED, this, msg, def);
        const output = msg as NodeMessageInFlow & { ocean?: Record<string, unknown> };
        if (mode === 'account' || mode === 'withdraw') {
          status.working(this, RED._('c2d-envs.status.reading'));
          if (mode === 'account') {
            output.payload = await client.account();
            status.done(this, RED._('c2d-envs.status.account'));
          } else {
            const withdrawn = await withdraw(client, await readOption(RED, this, msg, def, { field: 'withdrawToken', parse: parse.string }), await readOption(RED, this, msg, def, { field: 'withdrawAmount', parse: parse.string }));
            output.payload = withdrawn;
            status.done(this, RED._('c2d-envs.status.withdrawn', { count: withdrawn.filter((w) => w.amount !== '0').length }));
          }
          send(output);
          return done();
        }
        const constraints: EnvironmentConstraints = await readConstraints(RED, this, msg, def);
        status.working(this, RED._('c2d-envs.status.requesting'));
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

/** One token's unlocked escrow funds, or every token's when none is named, back into the wallet. */
async function withdraw(client: OceanClient, token: string | undefined, amount: string | undefined): Promise<Withdrawal[]> {
  if (token) return [await client.withdrawEscrow(token, amount)];
  const held = (await client.account()).tokens.filter((t) => t.escrow && Number(t.escrow.available) > 0);
  const withdrawn: Withdrawal[] = [];
  for (const holding of held) withdrawn.push(await client.withdrawEscrow(holding.token));
  return withdrawn;
}
