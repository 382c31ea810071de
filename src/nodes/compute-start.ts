import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { ComputeJob, EnvironmentConstraints, OceanClient, StartJobRequest } from '../ocean';
import { isAssetInput } from '../ocean/job-request';
import { configNodeFor, type OceanConfigNode } from './lib/config-node';
import { Follower, followTimeout } from './lib/follower';
import { InFlight } from './lib/in-flight';
import { jobMessage } from './lib/job-message';
import { readLiveLogOptions, type LiveLogConfig } from './lib/live-log-options';
import { mergeOcean } from './lib/message';
import { reportFailure, reportLater } from './lib/node-error';
import { parse, readOption } from './lib/options';
import { deliverResults } from './lib/result-delivery';
import { readStartOptions, type StartConfig } from './lib/start-options';
import { status } from './lib/status';

interface ComputeStartDef extends NodeDef, StartConfig, LiveLogConfig {
  /** Send failures to a second output instead of Catch nodes. */
  errorOutput?: boolean;
  server: string;
  follow: boolean;
  followTimeout: string;
  followTimeoutType: string;
  /** When following: also fetch the output into msg.results. */
  fetchOutput: boolean;
  /** Ask what the job would cost, and start nothing. */
  quoteOnly?: boolean;
}

const DEFAULT_TIMEOUT_SECONDS = 3600;
const OUTPUT_LIMIT_BYTES = 10 * 1024 * 1024;

export = function register(RED: NodeAPI): void {
  function ComputeStartNode(this: Node, def: ComputeStartDef): void {
    RED.nodes.createNode(this, def);
    // Outputs: the job; live log lines when following with logs; failures last when chosen.
    const logOutput = def.follow === true && def.logs === true;
    const failures = { errorOutput: def.errorOutput === true, outputCount: 1 + (logOutput ? 1 : 0) + (def.errorOutput === true ? 1 : 0) };
    const ports = (port: number, msg: NodeMessage | NodeMessage[]): Array<NodeMessage | NodeMessage[] | null> => {
      const all: Array<NodeMessage | NodeMessage[] | null> = Array.from({ length: failures.outputCount }, () => null);
      all[port] = msg;
      return all;
    };
    const inFlight = new InFlight(this, RED._('compute-start.status.starting'));
    let warnedNoLiveLogs = false;
    let follower: Follower | undefined;

    const finish = async (job: ComputeJob, msg: NodeMessage, client: OceanClient): Promise<void> => {
      const out = jobMessage(msg, job, client) as NodeMessage & { results?: unknown };
      if (def.fetchOutput && !job.failed) {
        const files = job.results.filter((file) => file.kind === 'output');
        const delivered = await deliverResults(client, job.jobId, files, { format: 'auto', unpack: true, maxBytes: OUTPUT_LIMIT_BYTES });
        out.results = delivered.length === 1 ? delivered[0]?.payload : Object.fromEntries(delivered.map((f) => [f.name, f.payload]));
      }
      this.send(ports(0, out));
    };

    const followerFor = (config: OceanConfigNode): Follower => {
      if (follower) return follower;
      const client = config.getClient();
      follower = new Follower(this, config, {
        ...(logOutput ? { log: (messages: NodeMessage[]) => this.send(ports(1, messages)) } : {}),
        done: (job, msg) => {
          finish(job, msg, client).then(
            () => ((follower?.count() ?? 0) === 0 ? status.done(this, `${job.status ?? ''} ${job.statusText.trim()}`.trim()) : undefined),
            (error: unknown) => {
              status.failed(this, error);
              reportLater(this, failures, jobMessage(msg, job, client), error);
            },
          );
        },
        timeout: (followed, last, msg) => {
          const error = followTimeout(followed, last);
          status.failed(this, error);
          reportLater(this, failures, last ? jobMessage(msg, last, client) : msg, error);
        },
        failed: (error, msg) => {
          status.failed(this, error);
          reportLater(this, failures, msg, error);
        },
      });
      return follower;
    };

    // Always listen: a job this node followed must also be delivered after a restart.
    try {
      followerFor(configNodeFor(RED, def.server));
    } catch {
      // A missing or broken connection is reported when a message arrives.
    }

    this.on('input', async (msg: NodeMessageInFlow, send, done) => {
      try {
        const config = configNodeFor(RED, def.server);
        const client = config.getClient();
        const plan = await readStartOptions(RED, this, msg, def);
        const follow = def.follow === true;
        const logs = logOutput ? await readLiveLogOptions(RED, this, msg, def) : undefined;
        inFlight.start();
        // Asking for a quote instead only ever pays less, so a message may ask for it.
        if (def.quoteOnly === true || (msg as { quote?: unknown }).quote === true) {
          const environment = typeof plan.environment === 'string' ? plan.environment : (await client.pickEnvironment(pickConstraints(plan.environment.pick))).id;
          const quoted = msg as NodeMessage & { ocean?: unknown };
          quoted.payload = await client.quoteJob({ ...plan.request, environment });
          quoted.ocean = mergeOcean(msg, { backend: (await client.connect()).dialect.kind, chainId: client.settings.chainId, environment });
          inFlight.succeeded(RED._('compute-start.status.quoted'));
          send(ports(0, quoted));
          return done();
        }
        const onRateLimit = (ms: number): void => status.waiting(this, RED._('compute-start.status.rateLimited', { seconds: Math.ceil(ms / 1000) }));
        const job =
          typeof plan.environment === 'string'
            ? await client.startJob({ ...plan.request, environment: plan.environment }, { onRateLimit })
            : await client.startPicked(plan.request, pickConstraints(plan.environment.pick), { onRateLimit });
        const request: StartJobRequest = { ...plan.request, environment: job.environment ?? (typeof plan.environment === 'string' ? plan.environment : '') };
        const did = mainDid(request);
        const out = jobMessage(msg, job, client, { environment: request.environment, ...(did ? { did } : {}) });
        if (follow) {
          const timeout = (await readOption(RED, this, msg, def, { field: 'followTimeout', fallback: 'followTimeout', parse: parse.number })) ?? DEFAULT_TIMEOUT_SECONDS;
          if (logs && !warnedNoLiveLogs && !(await client.hasLiveLogs())) {
            warnedNoLiveLogs = true;
            this.warn(RED._('compute-start.warn.noLiveLogs'));
          }
          const following = followerFor(config);
          following.follow(job, out, { did, timeoutMs: timeout * 1000, logs });
          // Not `count`: i18next would look for plural forms (milliseconds each); this text has none.
          inFlight.succeeded(RED._('compute-start.status.following', { jobs: following.count() }));
        } else {
          inFlight.succeeded(RED._('compute-start.status.started'));
          send(ports(0, out));
        }
        done();
      } catch (error) {
        inFlight.failed(error);
        reportFailure(failures, msg, error, send, done);
      }
    });

    this.on('close', () => {
      follower?.dispose();
      status.clear(this);
    });
  }

  RED.nodes.registerType('compute-start', ComputeStartNode);
};

/** What a pick choice asks of an environment (as the c2d-envs node would pick it): the tier, and room for a job. */
function pickConstraints(pick: 'free' | 'paid' | 'any'): EnvironmentConstraints {
  return { free: pick === 'free' ? true : pick === 'paid' ? false : undefined, needCapacity: true };
}

function mainDid(request: StartJobRequest): string | undefined {
  const [main] = request.datasets;
  return main && isAssetInput(main) ? main.did : undefined;
}
