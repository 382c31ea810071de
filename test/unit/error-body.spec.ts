import assert from 'node:assert/strict';
import { isRecord, parseErrorBody } from '../../src/ocean/server-message';

describe('parseErrorBody: the message in an error answer, whatever its shape', function () {
  it('joins an error, a message and field errors with "; ", naming each field', function () {
    assert.deepEqual(parseErrorBody('{"error": "bad", "message": "also", "errors": {"a": ["x", "y"], "b": 3}}'), {
      message: 'bad; also; a: x, y; b: 3',
      fields: ['a', 'b'],
      json: { error: 'bad', message: 'also', errors: { a: ['x', 'y'], b: 3 } },
    });
  });

  it('keeps a message beside field errors unless it only says "Validation error"', function () {
    assert.equal(parseErrorBody('{"message": "Validation error", "errors": {"f": ["wrong"]}}').message, 'f: wrong');
    assert.equal(parseErrorBody('{"message": "Validation error"}').message, 'Validation error');
    assert.equal(parseErrorBody('{"message": "Other", "errors": {"f": ["wrong"]}}').message, 'Other; f: wrong');
  });

  it('answers JSON it cannot read a message from as JSON, and leaves fields empty', function () {
    assert.deepEqual(parseErrorBody('{"status": 500}'), { message: '{"status":500}', fields: [], json: { status: 500 } });
    assert.deepEqual(parseErrorBody('[1,2]'), { message: '[1,2]', fields: [], json: [1, 2] });
    assert.equal(parseErrorBody('42').message, '42');
    assert.equal(parseErrorBody('null').message, 'null');
    assert.equal(parseErrorBody('{"error": 5, "message": 6}').message, '{"error":5,"message":6}');
  });

  it('takes the first line of plain text, trimmed', function () {
    assert.deepEqual(parseErrorBody('  first line\nsecond line\n'), { message: 'first line', fields: [] });
    // Only a body that starts as markup is read as HTML.
    assert.equal(parseErrorBody('limit 5 &lt; 6 <b>now</b>').message, 'limit 5 &lt; 6 <b>now</b>');
  });

  it('takes the first non-empty line of an HTML page, from its <pre> when it has one, with entities decoded', function () {
    const page = '<!DOCTYPE html><html><body><pre>Error: a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;&nbsp;e<br>at stack</pre></body></html>';
    assert.equal(parseErrorBody(page).message, 'Error: a <b> & "c" \'d\' e');
    assert.equal(parseErrorBody('<html><body>\n<h1>  </h1>\n<p>Not found</p></body></html>').message, 'Not found');
    assert.equal(parseErrorBody('<html><pre>one<BR/>two</pre></html>').message, 'one');
    assert.equal(parseErrorBody('<pre>one<br />two</pre>').message, 'one');
    assert.equal(parseErrorBody('<p></p>').message, '');
    // "&amp;lt;" is the text "&lt;", not "<".
    assert.equal(parseErrorBody('<pre>&amp;lt;</pre>').message, '&lt;');
  });

  it('cuts a message at 300 characters, the last one an ellipsis', function () {
    const long = 'x'.repeat(400);
    const message = parseErrorBody(long).message;
    assert.equal(message.length, 300);
    assert.equal(message, `${'x'.repeat(299)}…`);
    assert.equal(parseErrorBody('y'.repeat(300)).message, 'y'.repeat(300));
    assert.equal(parseErrorBody(JSON.stringify({ error: 'z'.repeat(301) })).message, `${'z'.repeat(299)}…`);
  });

  it('answers an empty message for an empty or blank body', function () {
    assert.deepEqual(parseErrorBody('   \n '), { message: '', fields: [] });
  });
});

describe('isRecord', function () {
  it('is true for plain objects only', function () {
    assert.equal(isRecord({}), true);
    assert.equal(isRecord([]), false);
    assert.equal(isRecord(null), false);
    assert.equal(isRecord('x'), false);
    assert.equal(isRecord(undefined), false);
  });
});
