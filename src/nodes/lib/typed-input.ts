import type { Node, NodeAPI, NodeMessage } from 'node-red';

/** A TypedInput as saved by the editor: the value and the name of its type (str, num, msg, env...). */
export interface TypedValue {
  value: string | undefined;
  type: string | undefined;
}

/**
 * Evaluates a TypedInput for one message. A blank field means "not set" and gives undefined,
 * so that `num` does not turn "" into 0. Uses the callback form, which flow/global context and
 * JSONata need.
 */
export function evaluateTypedInput(RED: NodeAPI, node: Node, msg: NodeMessage, input: TypedValue): Promise<unknown> {
  const { value, type } = input;
  if (value === undefined || value === '') return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value, type ?? 'str', node, msg, (err: Error | null | undefined, result: unknown) => {
      if (err) reject(err);
      else resolve(result);
    });
  });
}
