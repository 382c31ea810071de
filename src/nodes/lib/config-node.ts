import type { Node, NodeAPI } from 'node-red';
import { OceanError, type OceanClient } from '../../ocean';
import type { JobTracker } from '../../tracker';

export const CONFIG_NODE_TYPE = 'ocean-c2d-config';

export interface OceanConfigCredentials {
  privateKey?: string;
  rpcEndpoint?: string;
  /** The Redis job store's URL (it may hold a password). */
  redisUrl?: string;
}

/** What the shared config node offers the nodes that use it. */
export interface OceanConfigNode extends Node<OceanConfigCredentials> {
  /** The connection's client; throws the config node's validation error if its fields are wrong. */
  getClient(): OceanClient;
  /** Follows jobs for every node of this connection: one status request per interval. */
  getTracker(): JobTracker;
  /** A node that follows jobs is here to receive them; the returned function says it has gone. */
  registerFollower(nodeId: string): () => void;
  /** The jobs the connection follows, by node, and whether that node is gone. */
  followedJobs(): Array<{ jobId: string; nodeId?: string; orphaned: boolean }>;
  /** Unfinished jobs of the wallet that no job store held when the connection started (a wiped user directory). */
  lostJobIds(): ReadonlySet<string>;
}

/** Finds the config node a node points at, with an error a user can act on when it is missing. */
export function configNodeFor(RED: NodeAPI, configId: string | undefined): OceanConfigNode {
  const node = configId ? (RED.nodes.getNode(configId) as OceanConfigNode | null) : null;
  if (!node || typeof node.getClient !== 'function') {
    throw new OceanError('INVALID_CONFIG', 'server: no Ocean C2D connection is selected; choose one in the node\'s settings', {
      details: { field: 'server' },
    });
  }
  return node;
}
