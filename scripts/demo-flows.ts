/**
 * The example flows as `npm start` deploys them: every example tab, one shared connection whose
 * fields are ${OCEAN_*} environment variables, so the same flows run on the sandbox or on a
 * real Ocean Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedDashboard, needsDashboard } from './dashboard';

type FlowNode = Record<string, unknown> & { id: string; type: string };

const EXAMPLES = join(__dirname, '..', 'examples');
export const CONNECTION_ID = 'ocean-c2d-example-connection';
/** The sandbox chain's sample DIDs the examples name; deterministic for a fresh local chain. */
const SAMPLE_DIDS: Record<string, string> = {
  'did:op:35e270d16aae6a1a36c63d700683abd633a47aadbfc8229db23e584445694990': 'OCEAN_DATASET_DID',
  'did:op:87b3a76738911ab50de53e6b42dbb0389ab2d2096fbc8502d556c775cd977109': 'OCEAN_ALGORITHM_DID',
};

export interface DemoFlowOptions {
  /**
   * Include the examples that need FlowFuse Dashboard (by default when it is installed). Without
   * it they are left out: Node-RED starts no flow at all while a node type is missing.
   */
  dashboard?: boolean;
}

/**
 * Every example tab, sharing one connection: each example brings its own (so that importing
 * several never collides), and here they all become CONNECTION_ID.
 */
export function demoFlows(pollInterval = '5', { dashboard = installedDashboard() !== undefined }: DemoFlowOptions = {}): FlowNode[] {
  const flows: FlowNode[] = [];
  let shared: FlowNode | undefined;
  for (const file of readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')).sort()) {
    const example = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as FlowNode[];
    if (!dashboard && needsDashboard(example)) continue;
    for (const node of example) {
      if (node.type === 'ocean-c2d-config') shared ??= connection(node, pollInterval);
      else flows.push(withDidVariables(typeof node.server === 'string' ? { ...node, server: CONNECTION_ID } : node));
    }
  }
  if (shared) flows.push(shared);
  return flows;
}

/** The connection reads everything from the environment (Node-RED substitutes ${VAR} in properties). */
function connection(node: FlowNode, pollInterval: string): FlowNode {
  return {
    ...node,
    id: CONNECTION_ID,
    name: 'Ocean backend (OCEAN_* variables)',
    providerUrl: '${OCEAN_PROVIDER_URL}',
    aquariusUrl: '${OCEAN_AQUARIUS_URL}',
    chainId: '${OCEAN_CHAIN_ID}',
    escrowAddress: '${OCEAN_ESCROW_ADDRESS}',
    pollInterval,
  };
}

/** Sample DIDs become env TypedInputs: OCEAN_DATASET_DID / OCEAN_ALGORITHM_DID name other assets. */
function withDidVariables(node: FlowNode): FlowNode {
  if (node.type !== 'compute-start') return node;
  const out = { ...node };
  for (const field of ['dataset', 'algorithm']) {
    const variable = SAMPLE_DIDS[String(out[field])];
    if (variable) {
      out[field] = variable;
      out[`${field}Type`] = 'env';
    }
  }
  return out;
}

export function demoCredentials(): Record<string, Record<string, string>> {
  return { [CONNECTION_ID]: { privateKey: '${OCEAN_PRIVATE_KEY}', rpcEndpoint: '${OCEAN_RPC_URL}' } };
}
