import type { Node } from 'node-red';
import type { AsyncKeyValue } from '../../store/async-key-value';

/** Node-RED's global context in one of its stores (settings.js `contextStorage`), called asynchronously as persistent stores need. */
export function globalContextValues(node: Node, storeName: string | undefined): AsyncKeyValue {
  const global = node.context().global;
  return {
    get: (key) => new Promise((resolve, reject) => global.get(key, storeName, (error, value) => (error ? reject(error) : resolve(value)))),
    set: (key, value) => new Promise((resolve, reject) => global.set(key, value, storeName, (error) => (error ? reject(error) : resolve()))),
    keys: () => new Promise((resolve, reject) => global.keys(storeName, (error, keys) => (error ? reject(error) : resolve(keys.map(String))))),
  };
}
