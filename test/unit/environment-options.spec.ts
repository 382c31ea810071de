import assert from 'node:assert/strict';
import type { Node, NodeMessage } from 'node-red';
import { readConstraints, readMode, type ConstraintFields } from '../../src/nodes/lib/environment-options';
import { OceanError } from '../../src/ocean/errors';
import { failure } from '../helpers/failure';
import { RED_UTIL } from '../helpers/red-util';

const RED = RED_UTIL;
const node = {} as Node;
const TOKEN = '0x1B02dA8Cb0d097eB8D57A175b88c7D8b47997506';

const constraints = (fields: ConstraintFields, msg: Record<string, unknown> = {}) => readConstraints(RED, node, msg as NodeMessage, fields);
const refusal = (fields: ConstraintFields, msg: Record<string, unknown> = {}): Promise<OceanError> => failure(constraints(fields, msg));

describe('readConstraints: what c2d-envs picks by', function () {
  it('reads every field set in the dialog, and leaves out what is blank', async function () {
    assert.deepEqual(await constraints({ tier: 'free', minCpu: '2', minRam: '1.5', minDisk: '10', minGpu: '0', feeToken: ` ${TOKEN} `, maxPrice: '0.5', needCapacity: 'required' }), {
      free: true,
      minCpu: 2,
      minRam: 1.5,
      minDisk: 10,
      minGpu: 0,
      feeToken: TOKEN,
      maxPricePerMinute: 0.5,
      needCapacity: true,
    });
    assert.deepEqual(await constraints({ tier: 'any', minCpu: '', needCapacity: 'any' }), { needCapacity: false });
    assert.deepEqual(await constraints({}), {});
  });

  it('fills only blank (or "any") fields from msg.constraints, never narrowing one set in the dialog', async function () {
    const msg = { constraints: { free: false, minCpu: 8, maxPricePerMinute: 100, feeToken: TOKEN, needCapacity: true } };
    assert.deepEqual(await constraints({ tier: 'free', minCpu: '1' }, msg), { free: true, minCpu: 1, maxPricePerMinute: 100, feeToken: TOKEN, needCapacity: true });
    assert.deepEqual(await constraints({ tier: 'any' }, { constraints: { free: 'paid' } }), { free: false });
  });

  it('reads the tier as free, paid, any or a boolean', async function () {
    assert.deepEqual(await constraints({ tier: 'paid' }), { free: false });
    assert.deepEqual(await constraints({ tier: 'true', tierType: 'bool' }), { free: true });
    assert.deepEqual(await constraints({ tier: 'false', tierType: 'bool' }), { free: false });
    assert.deepEqual(await constraints({}, { constraints: { free: null } }), {});
    const error = await refusal({ tier: 'cheap' });
    assert.equal(error.message, 'tier: expected "any", "free", "paid" or a boolean, got "cheap"');
  });

  it('names msg.constraints.<key> for a bad value from the message', async function () {
    assert.equal((await refusal({}, { constraints: { minGpu: -1 } })).message, 'msg.constraints.minGpu: expected a number of 0 or more, got -1');
    assert.equal((await refusal({}, { constraints: { maxPricePerMinute: 'x' } })).details?.field, 'msg.constraints.maxPricePerMinute');
    assert.equal((await refusal({}, { constraints: { free: 'gratis' } })).details?.field, 'msg.constraints.free');
  });

  it('takes null, undefined or "" in msg.constraints as not set, for every kind of field', async function () {
    for (const blank of [null, undefined, '']) {
      const msg = { constraints: { free: blank, minCpu: blank, feeToken: blank, needCapacity: blank } };
      assert.deepEqual(await constraints({}, msg), {}, String(blank));
    }
  });

  it('refuses msg.constraints that is not an object', async function () {
    for (const bad of ['free', [1], null, 3]) {
      const error = await refusal({}, { constraints: bad });
      assert.equal(error.details?.field, 'msg.constraints');
      assert.match(error.message, /^msg\.constraints: expected an object such as \{"free": true, "minCpu": 2\}, got /);
    }
  });

  it('refuses a fee token that is not a 20-byte 0x address', async function () {
    for (const bad of ['0x1234', TOKEN.slice(2), `${TOKEN}00`, `token ${TOKEN}`, 42]) {
      const error = await refusal({}, { constraints: { feeToken: bad } });
      assert.equal(error.message.startsWith('msg.constraints.feeToken: expected a 0x-prefixed 20-byte token address, got '), true, String(bad));
    }
    assert.deepEqual(await constraints({}, { constraints: { feeToken: '' } }), {});
  });

  it('reads "need capacity" as true/required or false/any, and names a bad value without echoing it twice', async function () {
    assert.deepEqual(await constraints({}, { constraints: { needCapacity: 'true' } }), { needCapacity: true });
    assert.deepEqual(await constraints({}, { constraints: { needCapacity: 'false' } }), { needCapacity: false });
    assert.deepEqual(await constraints({}, { constraints: { needCapacity: false } }), { needCapacity: false });
    const error = await refusal({}, { constraints: { needCapacity: 'maybe' } });
    assert.equal(error.message, 'msg.constraints.needCapacity: expected true or false, not "maybe"');
  });
});

describe('readMode: the output of c2d-envs', function () {
  it('the dialog, else msg.mode, else list; anything else is refused', async function () {
    assert.equal(await readMode(RED, node, { mode: 'pick' } as NodeMessage, { mode: 'account' }), 'account');
    assert.equal(await readMode(RED, node, { mode: 'pick' } as NodeMessage, { mode: '' }), 'pick');
    assert.equal(await readMode(RED, node, {} as NodeMessage, {}), 'list');
    for (const mode of ['list', 'pick', 'account', 'withdraw']) assert.equal(await readMode(RED, node, { mode } as NodeMessage, {}), mode);
    const error = await readMode(RED, node, { mode: 'drain' } as NodeMessage, {}).catch((e: unknown) => e);
    assert.ok(error instanceof OceanError);
    assert.equal(error.message, 'msg.mode: expected one of "list", "pick", "account", "withdraw", got "drain"');
  });
});
