import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeAPI, NodeDef } from 'node-red';
import { OceanClient, OceanError, isOceanError, parseBudgets, type ComputeJob, type EscrowLimits } from '../ocean';
import { isAddress } from '../ocean/address';
import { invalidConfig } from '../ocean/errors';
import { JobTracker, TrackerStoreError, type FollowedJob } from '../tracker';
import { CONFIG_NODE_TYPE, type OceanConfigCredentials, type OceanConfigNode } from './lib/config-node';
import { FollowerRegistry, followerOf } from './lib/follower-registry';
import { createJobStores, type JobStores, type JobStoreSettings } from './lib/job-store';
import { findLostJobs, registerConnection } from './lib/lost-jobs';
import { onFlowEvent } from './lib/flow-events';

interface OceanConfigDef extends NodeDef, JobStoreSettings {
  providerUrl: string;
  aquariusUrl: string;
  chainId: string | number;
  /** Flows from before 0.2 kept the RPC URL here, in the flow file; it now is a credential. */
  rpcUrl?: string;
  /** Seconds between two status requests of the job tracker. */
  pollInterval?: string | number;
  /** The chain's Escrow contract; blank: Ocean's deployment for the chain. */
  escrowAddress?: string;
  /** Seconds past a paid job's duration its escrow lock may last, for the node's claim (default 3600). */
  escrowClaimSeconds?: string | number;
  /** Paid jobs' worth of escrow locks to authorise at once (default 1: exactly what the job needs). */
  authorizeJobs?: string | number;
  /** What paid jobs may commit: rows {token, perJob, limit, period}, or their JSON text. */
  budgets?: unknown;
}

const DEFAULT_POLL_SECONDS = 5;
const MIN_POLL_SECONDS = 2;

/** The shortest time between two warnings that the job store failed. */
const STORE_WARNING_MS = 60_000;

/** Lost jobs named one by one in the log; the rest are counted in one more warning. */
const LOST_JOBS_NAMED = 10;

/** The connection's escrow fields, checked; every error names its field. */
function escrowSettings(def: OceanConfigDef): EscrowLimits {
  const escrow: EscrowLimits = {};
  const address = String(def.escrowAddress ?? '').trim();
  if (address) {
    if (!isAddress(address)) throw invalidConfig('escrowAddress', 'the 0x address of the chain\'s Escrow contract, or nothing', address);
    escrow.escrowAddress = address;
  }
  const claim = wholeNumber(def.escrowClaimSeconds, 'escrowClaimSeconds', 0);
  if (claim !== undefined) escrow.claimSeconds = claim;
  const jobs = wholeNumber(def.authorizeJobs, 'authorizeJobs', 1);
  if (jobs !== undefined) escrow.authorizeJobs = jobs;
  return escrow;
}

function wholeNumber(value: unknown, field: string, min: number): number | undefined {
  const text = String(value ?? '').trim();
  if (text === '') return undefined;
  const number = Number(text);
  if (!Number.isSafeInteger(number) || number < min) throw invalidConfig(field, `a whole number of ${min} or more`, value);
  return number;
}

export = function register(RED: NodeAPI): void {
  function OceanC2DConfigNode(this: OceanConfigNode, def: OceanConfigDef): void {
    RED.nodes.createNode(this, def);
    let client: OceanClient | undefined;
    let configError: OceanError | undefined;
    let stores: JobStores | undefined;
    try {
      stores = createJobStores({
        node: this,
        settings: def,
        redisUrl: this.credentials?.redisUrl,
        runtime: RED.settings as { contextStorage?: unknown; oceanC2dJobLeaseMs?: unknown },
        folder: join(String(RED.settings.userDir ?? tmpdir()), 'ocean-c2d'),
        connectionId: this.id,
        events: {
          warn: (message) => this.warn(RED._('ocean-c2d-config.errors.store', { message })),
          adopted: (jobs) => this.log(RED._('ocean-c2d-config.log.adopted', { count: jobs.length })),
          lost: (jobIds) => this.log(RED._('ocean-c2d-config.log.handedOver', { count: jobIds.length })),
        },
      });
      const privateKey = this.credentials?.privateKey;
      const rpcUrl = this.credentials?.rpcEndpoint || def.rpcUrl;
      if (!this.credentials?.rpcEndpoint && def.rpcUrl) this.warn(RED._('ocean-c2d-config.errors.rpcInFlow'));
      client = new OceanClient({
        providerUrl: def.providerUrl,
        aquariusUrl: def.aquariusUrl,
        chainId: def.chainId,
        rpcUrl,
        privateKey: privateKey ? privateKey : undefined,
        payment: { escrow: escrowSettings(def) },
        budget: { rules: parseBudgets(def.budgets), store: stores.spending },
      });
    } catch (error) {
      configError = isOceanError(error) ? error : new OceanError('INVALID_CONFIG', String(error));
      this.error(RED._('ocean-c2d-config.errors.invalid', { message: configError.message }));
    }

    this.getClient = (): OceanClient => {
      if (configError) throw configError;
      if (!client) throw new OceanError('INVALID_CONFIG', 'the connection is not set up');
      return client;
    };

    // settings.js may lower the floor (oceanC2dMinPollInterval), e.g. for a local sandbox without a rate limit.
    const floor = Number((RED.settings as { oceanC2dMinPollInterval?: unknown }).oceanC2dMinPollInterval) || MIN_POLL_SECONDS;
    const seconds = Math.max(floor, Number(def.pollInterval) || DEFAULT_POLL_SECONDS);
    let tracker: JobTracker | undefined;
    // Followed jobs are saved (user directory, context store or Redis), so a restart picks them up again.
    const store = stores?.tracker;
    const followers = new FollowerRegistry();
    /** Unfinished jobs of the wallet that no store held when the connection started. */
    const lost = new Set<string>();
    let unregisterConnection = (): void => undefined;
    /** A followed job ended or timed out while no node was there to receive it: say so, naming it. */
    const unreceived = (jobId: string, followed: FollowedJob, outcome: string): void => {
      if (followers.isOrphan(followed)) this.warn(RED._('ocean-c2d-config.log.unreceived', { jobId, outcome, nodeId: followerOf(followed) ?? '?' }));
    };
    this.getTracker = (): JobTracker => {
      if (!tracker) {
        // Jobs are grouped by the node that follows them, so a node counts its own at once.
        tracker = new JobTracker({ client: this.getClient(), intervalMs: seconds * 1000, store, groupOf: followerOf, beforePoll: stores?.beforePoll });
        tracker.on('done', (job, followed) => unreceived(job.jobId, followed, `${job.status ?? '?'} ${job.statusText.trim()}`));
        tracker.on('timeout', (followed) => unreceived(followed.jobId, followed, 'its follow timeout'));
        // A job store that cannot be written loses the jobs of a restart: say so, once a minute at most.
        let lastStoreWarning = -Infinity;
        tracker.on('error', (error) => {
          if (!(error instanceof TrackerStoreError) || Date.now() - lastStoreWarning < STORE_WARNING_MS) return;
          lastStoreWarning = Date.now();
          this.warn(RED._('ocean-c2d-config.errors.store', { message: error.message }));
        });
      }
      return tracker;
    };
    this.registerFollower = (nodeId) => followers.add(nodeId);
    this.followedJobs = () => (tracker?.list() ?? []).map((followed) => ({ jobId: followed.jobId, nodeId: followerOf(followed), orphaned: followers.isOrphan(followed) }));
    this.lostJobIds = () => lost;
    const reportOrphans = (): void => {
      for (const orphan of followers.newOrphans(tracker?.list() ?? [])) {
        this.warn(RED._('ocean-c2d-config.log.orphaned', { jobId: orphan.jobId, nodeId: followerOf(orphan) ?? '?' }));
      }
    };
    /** Says which unfinished jobs of the wallet no store knows: a wiped user directory does not lose them without a word. */
    const reportLostJobs = async (connection: OceanClient): Promise<void> => {
      let found: ComputeJob[];
      try {
        found = await findLostJobs(connection);
      } catch (error) {
        this.warn(RED._('ocean-c2d-config.errors.lostCheck', { message: (error as Error).message }));
        return;
      }
      for (const job of found) lost.add(job.jobId);
      for (const job of found.slice(0, LOST_JOBS_NAMED)) {
        this.warn(RED._('ocean-c2d-config.log.lost', { jobId: job.jobId, status: `${job.status ?? '?'} ${job.statusText.trim()}` }));
      }
      if (found.length > LOST_JOBS_NAMED) this.warn(RED._('ocean-c2d-config.log.lostMore', { count: found.length - LOST_JOBS_NAMED }));
    };
    const resume = (): void => {
      if (configError || !client) return;
      const connection = client;
      const resuming = this.getTracker().resume();
      unregisterConnection = registerConnection({ client: connection, tracker: this.getTracker(), resumed: resuming, storedJobIds: stores?.sharedJobIds });
      resuming.then(
        (jobs) => {
          stores?.start(this.getTracker());
          if (jobs.length > 0) this.log(RED._('ocean-c2d-config.log.resumed', { count: jobs.length }));
          reportOrphans();
        },
        (error: unknown) => this.warn(RED._('ocean-c2d-config.errors.resume', { message: (error as Error).message })),
      );
      // Without a wallet key there is no list of the wallet's jobs to compare with.
      if (connection.address) void reportLostJobs(connection);
    };
    // Resume once every node of the flows exists, so the nodes that followed jobs hear about them.
    const stopResume = onFlowEvent(RED.events, 'flows:started', resume, { once: true });
    // While a deploy replaces nodes, nothing is polled: a job ending then would find no node to tell.
    const holdPolls = (): void => tracker?.hold();
    const releasePolls = (): void => {
      tracker?.release();
      reportOrphans();
    };
    const stopHolding = onFlowEvent(RED.events, 'flows:stopping', holdPolls);
    const stopReleasing = onFlowEvent(RED.events, 'flows:started', releasePolls);

    this.on('close', (removed: boolean, done: () => void) => {
      stopResume();
      stopHolding();
      stopReleasing();
      unregisterConnection();
      // Jobs on the network keep running; they are followed again after the restart or redeploy.
      const closing = (stores?.stop() ?? Promise.resolve()).then(() => tracker?.close());
      void closing
        .then(() => stores?.close(removed, tracker?.list() ?? []))
        .catch((error: unknown) => this.warn(RED._('ocean-c2d-config.errors.close', { message: (error as Error).message })))
        .finally(() => {
          client?.close();
          done();
        });
    });
  }

  RED.nodes.registerType<OceanConfigNode, OceanConfigDef, object, OceanConfigCredentials>(CONFIG_NODE_TYPE, OceanC2DConfigNode, {
    // The RPC URL often carries a provider's API key: a credential, so it never leaves in an export.
    // The Redis URL may hold a password: a credential too.
    credentials: { privateKey: { type: 'password' }, rpcEndpoint: { type: 'text' }, redisUrl: { type: 'password' } },
  });

  // Lets the edit dialog show which wallet a deployed connection uses, without sending the key.
  RED.httpAdmin.get(`/${CONFIG_NODE_TYPE}/:id/address`, RED.auth.needsPermission(`${CONFIG_NODE_TYPE}.read`), (req, res) => {
    const node = RED.nodes.getNode(String(req.params.id)) as OceanConfigNode | null;
    try {
      res.json({ address: node ? (node.getClient().address ?? null) : null });
    } catch {
      res.json({ address: null });
    }
  });
};
