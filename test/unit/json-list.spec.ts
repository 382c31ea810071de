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
