import type { NodeAPI } from 'node-red';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { util } = require('@node-red/util') as { util: NodeAPI['util'] };

/** Node-RED's own message and TypedInput helpers without a runtime: enough for str, num, json, bool and msg TypedInputs. */
export const RED_UTIL = { util } as NodeAPI;
