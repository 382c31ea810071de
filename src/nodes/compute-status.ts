import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { ComputeJob, OceanClient } from '../ocean';
import { configNodeFor, type OceanConfigNode } from './lib/config-node';
import { Follower, followTimeout } from './lib/follower';
import { FollowStatus } from './lib/follow-status';
import { InFlight } from './lib/in-flight';
import { jobDid, readJobId } from './lib/job-id';
import { jobMessage } from './lib/job-message';
import { readLiveLogOptions, type LiveLogConfig } from './lib/live-log-options';
import { mergeOcean } from './lib/message';
import { toNodeError } from './lib/node-error';
import { parse, readOption } from './lib/options';
import { status } from './lib/status';

interface ComputeStatusDef extends NodeDef, LiveLogConfig {
  server: string;
  jobId: string;
  jobIdType: string;
  mode: string;
  modeType: string;
  timeout: string;
  timeoutType: string;
}

const MODES = ['once', 'follow', 'all'] as const;
const DEFAULT_TIMEOUT_SECONDS = 3600;

export = function register(RED: NodeAPI): void {
  function ComputeStatusNode(this: Node, def: ComputeStatusDef): void {
    RED.nodes.createNode(this, def);
    const inFlight = new InFlight(this, RED._('compute-status.status.requesting'));
    /** Live log lines leave on a third output, there only when the box is ticked. */
    const outputs = def.logs === true ? 3 : 2;
    const ports = (port: number, msg: NodeMessage | NodeMessage[]): Array<NodeMessage | NodeMessage[] | null> => {
      const all: Array<NodeMessage | NodeMessage[] | null> = Array.from({ length: outputs }, () => null);
      all[port] = msg;
      return all;
    };
    let warnedNoLiveLogs = false;
    let follower: Follower | undefined;
    /** The last status sent per job, so a poll that sees nothing new sends nothing. */
    const lastSent = new Map<string, string>();
    const isNew = (job: ComputeJob): boolean => {
      const key = `${job.status}|${job.statusText}`;
      if (lastSent.get(job.jobId) === key) return false;
      lastSent.set(job.jobId, key);
      return true;
    };

    /** The final status of the last job that ended, shown once none is followed any more. */
    let lastFinal: string | undefined;
    const followStatus = new FollowStatus(() => {
      const count = follower?.count() ?? 0;
      // Not `count`: i18next would look for plural forms (milliseconds each); this text has none.
      if (count > 0) status.waiting(this, RED._('compute-status.status.following', { jobs: count }));
      else if (lastFinal !== undefined) status.done(this, lastFinal);
    });

    /** Follows jobs through the connection's tracker; set up on first use, or at once to pick up jobs resumed after a restart. */
    const followerFor = (config: OceanConfigNode): Follower => {
      if (follower) return follower;
      const client = config.getClient();
      follower = new Follower(this, config, {
        change: (job, msg) => {
          // The final status goes to the first output, with 'done'.
          if (job.done || !isNew(job)) return;
          followStatus.refresh();
          this.send(ports(1, jobMessage(msg, job, client)));
        },
        ...(outputs === 3 ? { log: (messages: NodeMessage[]) => this.send(ports(2, messages)) } : {}),
        done: (job, msg) => {
          lastSent.delete(job.jobId);
          lastFinal = statusText(job);
          followStatus.refresh();
          this.send(ports(0, jobMessage(msg, job, client)));
        },
        timeout: (followed, last, msg) => {
          lastSent.delete(followed.jobId);
          const error = followTimeout(followed, last);
          followStatus.cancel();
          status.failed(this, error);
          this.error(toNodeError(error), withLast(msg, last, client));
        },
        failed: (error, msg) => {
          followStatus.cancel();
          status.failed(this, error);
          this.error(toNodeError(error), msg);
        },
      });
      return follower;
    };

    try {
      followerFor(configNodeFor(RED, def.server));
    } catch {
      // A missing or broken connection is reported when a message arrives.
    }

    this.on('input', async (msg: NodeMessageInFlow, send, done) => {
      try {
        const config = configNodeFor(RED, def.server);
        const client = config.getClient();
        const mode = await readMode(RED, this, msg, def);
        inFlight.start();
        if (mode === 'all') {
          const jobs = await client.listJobs();
          const followed = new Map(config.followedJobs().map((f) => [f.jobId, { nodeId: f.nodeId, orphaned: f.orphaned }]));
          const lost = config.lostJobIds();
          const out = msg as NodeMessageInFlow & { ocean?: unknown };
          // Jobs the connection follows say by which node, and whether that node is gone; jobs no store knew are lost.
          out.payload = jobs.map((job) => (followed.has(job.jobId) ? { ...job, followed: followed.get(job.jobId) } : lost.has(job.jobId) ? { ...job, lost: true } : job));
          out.ocean = mergeOcean(msg, { chainId: client.settings.chainId });
          inFlight.succeeded(RED._('compute-status.status.listed', { count: jobs.length }));
          send(ports(0, out));
          return done();
        }
        const jobId = await readJobId(RED, this, msg, def);
        const logs = mode === 'follow' ? await readLiveLogOptions(RED, this, msg, def) : undefined;
        const job = await client.getJob(jobId, { did: jobDid(msg) });
        if (mode === 'follow' && !job.done) {
          const timeout = (await readOption(RED, this, msg, def, { field: 'timeout', fallback: 'followTimeout', parse: parse.number })) ?? DEFAULT_TIMEOUT_SECONDS;
          if (logs && !warnedNoLiveLogs && !(await client.hasLiveLogs())) {
            warnedNoLiveLogs = true;
            this.warn(RED._('compute-status.warn.noLiveLogs'));
          }
          isNew(job);
          send(ports(1, jobMessage(msg, job, client)));
          followerFor(config).follow(job, msg, { did: jobDid(msg), timeoutMs: timeout * 1000, logs });
          inFlight.succeeded(statusText(job));
          followStatus.refresh();
          return done();
        }
        inFlight.succeeded(statusText(job));
        send(ports(0, jobMessage(msg, job, client)));
        done();
      } catch (error) {
        inFlight.failed(error);
        done(toNodeError(error));
      }
    });

    this.on('close', () => {
      // The tracker keeps the jobs; the node that replaces this one after a redeploy takes them over.
      follower?.dispose();
      followStatus.cancel();
      status.clear(this);
    });
  }

  RED.nodes.registerType('compute-status', ComputeStatusNode);
};

async function readMode(RED: NodeAPI, node: Node, msg: NodeMessage, def: ComputeStatusDef): Promise<(typeof MODES)[number]> {
  return (await readOption(RED, node, msg, def, { field: 'mode', fallback: 'mode', parse: parse.oneOf(MODES) })) ?? 'once';
}

function statusText(job: ComputeJob): string {
  return `${job.status ?? '?'} ${job.statusText.trim()}`.slice(0, 30);
}

function withLast(msg: NodeMessage, last: ComputeJob | undefined, client: OceanClient): NodeMessage {
  return last ? jobMessage(msg, last, client) : msg;
}
