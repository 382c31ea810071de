import assert from 'node:assert/strict';
import type { Node, NodeMessage } from 'node-red';
import { isPerMessage, parse, readOption } from '../../src/nodes/lib/options';
import { OceanError } from '../../src/ocean/errors';
import { thrown } from '../helpers/failure';
import { RED_UTIL } from '../helpers/red-util';

const RED = RED_UTIL;
const node = {} as Node;


describe('parse: the value kinds of node options', function () {
  it('string: text or a number, trimmed; blank is unset; anything else is named', function () {
    assert.equal(parse.string('  env-1 ', 'environment'), 'env-1');
    assert.equal(parse.string(42, 'environment'), '42');
    for (const blank of [undefined, null, '']) assert.equal(parse.string(blank, 'environment'), undefined);
    const error = thrown(() => parse.string({}, 'msg.environment'));
    assert.equal(error.message, 'msg.environment: expected a string, got a object');
    assert.equal(error.details?.field, 'msg.environment');
  });

  it('number: 0 or more, from text too; negatives and junk are refused', function () {
    assert.equal(parse.number(0, 'maxBytes'), 0);
    assert.equal(parse.number('1.5', 'maxBytes'), 1.5);
    assert.equal(parse.number(null, 'maxBytes'), undefined);
    assert.equal(thrown(() => parse.number(-1, 'maxBytes')).message, 'maxBytes: expected a number of 0 or more, got -1');
    assert.equal(thrown(() => parse.number('lots', 'maxBytes')).message, 'maxBytes: expected a number of 0 or more, got "lots"');
  });

  it('boolean: true/false, yes/no; anything else is refused', function () {
    assert.equal(parse.boolean(true, 'follow'), true);
    assert.equal(parse.boolean(false, 'follow'), false);
    assert.equal(parse.boolean('yes', 'follow'), true);
    assert.equal(parse.boolean('true', 'follow'), true);
    assert.equal(parse.boolean('no', 'follow'), false);
    assert.equal(parse.boolean('false', 'follow'), false);
    assert.equal(parse.boolean('', 'follow'), undefined);
    assert.equal(thrown(() => parse.boolean('TRUE', 'follow')).message, 'follow: expected true or false, got "TRUE"');
    assert.equal(thrown(() => parse.boolean(1, 'follow')).message, 'follow: expected true or false, got 1');
  });

  it('object: an object or JSON text of one; arrays, null inside JSON and bad JSON are refused', function () {
    assert.deepEqual(parse.object({ a: 1 }, 'algocustomdata'), { a: 1 });
    assert.deepEqual(parse.object('{"a": [1]}', 'algocustomdata'), { a: [1] });
    assert.equal(parse.object(undefined, 'algocustomdata'), undefined);
    assert.equal(thrown(() => parse.object('[1]', 'algocustomdata')).message, 'algocustomdata: expected an object, got "[1]"');
    assert.equal(thrown(() => parse.object('null', 'algocustomdata')).message, 'algocustomdata: expected an object, got "null"');
    assert.equal(thrown(() => parse.object(5, 'algocustomdata')).message, 'algocustomdata: expected an object, got 5');
    assert.equal(thrown(() => parse.object('{a:1}', 'algocustomdata')).message, 'algocustomdata: expected valid JSON, got "{a:1}"');
  });

  it('list: a list, JSON text of a list or object, or one item made a list of one', function () {
    assert.deepEqual(parse.list([1, 2], 'datasets'), [1, 2]);
    assert.deepEqual(parse.list(' ["a","b"]', 'datasets'), ['a', 'b']);
    assert.deepEqual(parse.list('{"did":"d"}', 'datasets'), [{ did: 'd' }]);
    assert.deepEqual(parse.list('did:op:1', 'datasets'), ['did:op:1']);
    assert.deepEqual(parse.list('http://127.0.0.1/a?q=[1]', 'datasets'), ['http://127.0.0.1/a?q=[1]']);
    assert.deepEqual(parse.list({ did: 'd' }, 'datasets'), [{ did: 'd' }]);
    assert.equal(parse.list('', 'datasets'), undefined);
    assert.equal(thrown(() => parse.list('[1,', 'datasets')).message, 'datasets: expected valid JSON, got "[1,"');
  });

  it('oneOf: only the listed choices, exactly', function () {
    const format = parse.oneOf(['buffer', 'text'] as const);
    assert.equal(format('text', 'format'), 'text');
    assert.equal(format(undefined, 'format'), undefined);
    assert.equal(thrown(() => format('Text', 'format')).message, 'format: expected one of "buffer", "text", got "Text"');
    assert.equal(thrown(() => format(1, 'format')).message, 'format: expected one of "buffer", "text", got 1');
  });
});

describe('readOption: the dialog wins; only a blank field falls back to the message', function () {
  const spec = { field: 'environment', fallback: 'environment', parse: parse.string };

  it('takes a value typed in the dialog over the message, named by the field', async function () {
    const msg = { environment: 'from-msg' } as NodeMessage;
    assert.equal(await readOption(RED, node, msg, { environment: ' typed ', environmentType: 'str' }, spec), 'typed');
    const error = await readOption(RED, node, msg, { environment: '{"a":1}', environmentType: 'json' }, spec).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof OceanError);
    assert.equal(error.message, 'environment: expected a string, got a object');
  });

  it('reads a msg TypedInput from the message, naming msg.<property> in errors', async function () {
    const msg = { pick: { env: 'deep' }, bad: [1] } as unknown as NodeMessage;
    assert.equal(await readOption(RED, node, msg, { environment: 'pick.env', environmentType: 'msg' }, spec), 'deep');
    const error = await readOption(RED, node, msg, { environment: 'bad', environmentType: 'msg' }, spec).catch((e: unknown) => e);
    assert.ok(error instanceof OceanError);
    assert.equal(error.message, 'msg.bad: expected a string, got an array of 1');
  });

  it('falls back to the message property for a blank or unsaved field, and is unset without one', async function () {
    const msg = { environment: 'from-msg' } as NodeMessage;
    assert.equal(await readOption(RED, node, msg, { environment: '' }, spec), 'from-msg');
    assert.equal(await readOption(RED, node, msg, {}, spec), 'from-msg');
    assert.equal(await readOption(RED, node, msg, { environment: null }, spec), 'from-msg');
    assert.equal(await readOption(RED, node, {} as NodeMessage, {}, spec), undefined);
    assert.equal(await readOption(RED, node, msg, {}, { field: 'environment', parse: parse.string }), undefined, 'no fallback: the message is not read');
    const error = await readOption(RED, node, { environment: 7n } as unknown as NodeMessage, {}, spec).catch((e: unknown) => e);
    assert.ok(error instanceof OceanError);
    assert.equal(error.message, 'msg.environment: expected a string, got a bigint');
  });

  it('takes a saved field without a type as text', async function () {
    assert.equal(await readOption(RED, node, {} as NodeMessage, { environment: 12 }, { field: 'environment', parse: parse.number }), 12);
  });
});

describe('isPerMessage: options whose value comes from the message or context', function () {
  it('is true for msg, flow and global TypedInputs with a property named', function () {
    for (const type of ['msg', 'flow', 'global']) assert.equal(isPerMessage({ environment: 'x', environmentType: type }, 'environment'), true, type);
    assert.equal(isPerMessage({ environment: '', environmentType: 'msg' }, 'environment'), false);
    assert.equal(isPerMessage({ environmentType: 'msg' }, 'environment'), false);
    for (const type of ['str', 'env', 'json', undefined]) assert.equal(isPerMessage({ environment: 'x', environmentType: type }, 'environment'), false, String(type));
  });
});
