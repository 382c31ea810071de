import type { Node } from 'node-red';
import { isOceanError } from '../../ocean';

/** Status dots as DESIGN.md sets them: blue ring working, green dot done, red ring failed, yellow waiting. */
export const status = {
  working(node: Node, text: string): void {
    node.status({ fill: 'blue', shape: 'ring', text });
  },
  waiting(node: Node, text: string): void {
    node.status({ fill: 'yellow', shape: 'ring', text });
  },
  done(node: Node, text: string): void {
    node.status({ fill: 'green', shape: 'dot', text });
  },
  failed(node: Node, error: unknown): void {
    const text = isOceanError(error) ? error.code.toLowerCase().replace(/_/g, ' ') : 'error';
    node.status({ fill: 'red', shape: 'ring', text });
  },
  clear(node: Node): void {
    node.status({});
  },
};
