import helper from 'node-red-node-test-helper';
import type { NodeInitializer } from 'node-red';
import { join } from 'node:path';

helper.init(require.resolve('node-red'));

export { helper };

const DIST = join(__dirname, '..', '..', 'dist', 'nodes');

/** The package's compiled nodes, as Node-RED loads them from the published tarball. */
export function packageNode(name: string): NodeInitializer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(DIST, `${name}.js`)) as NodeInitializer;
}

export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  wires?: string[][];
  [key: string]: unknown;
}

/** Gives flow nodes (those on a tab) a position: Node-RED treats nodes without x/y as config nodes. */
export function placed(nodes: FlowNode[]): FlowNode[] {
  return nodes.map((node, index) => (node.z ? { x: 100, y: 40 * (index + 1), ...node } : node));
}

export interface Received {
  payload?: unknown;
  error?: { message: string; code?: string; cause?: Record<string, unknown>; source?: { id: string } };
  [key: string]: unknown;
}

/** Resolves with the next message a helper node receives (fails the test after `ms`). */
export function nextMessage(nodeId: string, ms = 5000): Promise<Received> {
  const node = helper.getNode(nodeId);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message reached ${nodeId} within ${ms} ms`)), ms);
    node.once('input', (msg: Received) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Resolves with the first message a helper node receives that `matches` (fails the test after `ms`). */
export function messageWhere(nodeId: string, matches: (msg: Received) => boolean, ms = 5000): Promise<Received> {
  const node = helper.getNode(nodeId);
  return new Promise((resolve, reject) => {
    const listener = (msg: Received): void => {
      if (!matches(msg)) return;
      clearTimeout(timer);
      node.removeListener('input', listener);
      resolve(msg);
    };
    const timer = setTimeout(() => {
      node.removeListener('input', listener);
      reject(new Error(`no matching message reached ${nodeId} within ${ms} ms`));
    }, ms);
    node.on('input', listener);
  });
}

/**
 * Sends `msg` into `inputId` and resolves with whichever of the `outputs` helper nodes receives
 * a message first, keyed by that node's id.
 */
export function sendAndWait(inputId: string, msg: Record<string, unknown>, outputs: string[], ms = 8000): Promise<Record<string, Received>> {
  return new Promise((resolve, reject) => {
    const listeners: Array<[ReturnType<typeof helper.getNode>, (m: Received) => void]> = [];
    const finish = (): void => {
      clearTimeout(timer);
      for (const [node, listener] of listeners) node.removeListener('input', listener);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no message reached ${outputs.join(' or ')} within ${ms} ms`));
    }, ms);
    for (const id of outputs) {
      const node = helper.getNode(id);
      const listener = (m: Received): void => {
        finish();
        resolve({ [id]: m });
      };
      node.on('input', listener);
      listeners.push([node, listener]);
    }
    helper.getNode(inputId).receive(msg);
  });
}

/** The statuses one node has set so far, in order (the helper spies on every node's `status` at once). */
export function statusCalls(nodeId: string): Array<{ fill?: string; shape?: string; text?: string }> {
  const node = helper.getNode(nodeId);
  const spy = node.status as unknown as { getCalls(): Array<{ thisValue: unknown; args: [{ fill?: string; shape?: string; text?: string }] }> };
  return spy
    .getCalls()
    .filter((call) => call.thisValue === node)
    .map((call) => call.args[0]);
}
