import assert from 'node:assert/strict';
import { JsonListError, JsonListReader } from '../../src/ocean/json-list';

/** Reads `text` fed in pieces of `size` characters. */
function read(text: string, size: number): unknown {
  const reader = new JsonListReader();
  for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
  return reader.end();
}

describe('JsonListReader: a JSON list read as it arrives', function () {
  const list = [
    { jobId: 'a', statusText: 'Running, "quoted" \\ and ] } [ { , inside', results: [{ filename: 'x.tar', index: 0 }], nested: { deep: [1, [2, { three: 3 }]] } },
    { jobId: 'b', text: 'unicode: é ✓ 🙂', escaped: '\\"\\\\' },
    42,
    'a string, with a comma',
    null,
    [],
    {},
  ];
  const text = JSON.stringify(list, null, 1);

  for (const size of [1, 2, 3, 7, 64, 100_000]) {
    it(`reads every element whole in pieces of ${size} character(s)`, function () {
      assert.deepEqual(read(text, size), list);
    });
  }

  it('reads an empty list, and space around it', function () {
    assert.deepEqual(read(' \n[ ]\n ', 1), []);
    assert.deepEqual(read('[]', 5), []);
  });

  it('hands back a body that is not a list as it is, for the caller to judge', function () {
    assert.deepEqual(read('{"error":"no such consumer","jobs":[1,2]}', 3), { error: 'no such consumer', jobs: [1, 2] });
    assert.equal(read('"text"', 2), 'text');
  });

  for (const [name, broken] of [
    ['a list cut short', '[{"jobId":"a"},{"jobId"'],
    ['an empty body', '  '],
    ['a trailing comma', '[1,2,]'],
    ['a missing element', '[1,,2]'],
    ['a leading comma', '[,1]'],
    ['two values without a comma', '[1 2]'],
    ['text after the list', '[1,2] and more'],
    ['a brace closing the list', '[1,2}'],
    ['HTML', '<html>Bad gateway</html>'],
  ] as const) {
    it(`refuses ${name}`, function () {
      assert.throws(() => read(broken, 2), JsonListError);
    });
  }
});

describe('JsonListReader: what it says is wrong', function () {
  const message = (text: string, size = 2): string => {
    try {
      read(text, size);
    } catch (error) {
      assert.ok(error instanceof JsonListError);
      return error.message;
    }
    throw new Error('expected a refusal');
  };

  it('an empty body, a list cut short, and anything else that is not JSON, also after leading space', function () {
    assert.equal(message(''), 'empty');
    assert.equal(message(' \n\t'), 'empty');
    assert.equal(message('[1,2'), 'a list cut short');
    assert.equal(message('  [1,2', 1), 'a list cut short');
    assert.equal(message('[1,2}'), 'not JSON');
    assert.equal(message('  [1,,2]', 1), 'not JSON');
    assert.equal(message('[1,2,]'), 'not JSON');
    assert.equal(message('[1 2]'), 'not JSON');
    assert.equal(message('[1] x'), 'not JSON');
    assert.equal(message('{"a":'), 'not JSON');
  });

  it('skips a byte-order mark before the body, list or not', function () {
    assert.deepEqual(read('\ufeff{"a":1}', 3), { a: 1 });
    assert.deepEqual(read('\ufeff[1]', 1), [1]);
  });
});
