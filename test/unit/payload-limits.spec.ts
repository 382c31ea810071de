import assert from 'node:assert/strict';
import { constants } from 'node:buffer';
import { NODE_CEILINGS, cannotHold, payloadCeiling, type PayloadCeilings } from '../../src/nodes/lib/payload-limits';
import type { ResultFile } from '../../src/ocean';

const FILE: ResultFile = { index: 2, filename: 'out.csv', type: 'output', kind: 'output', archive: false };
const CEILINGS: PayloadCeilings = { stringBytes: 100, bufferBytes: 1000 };

describe('payload limits: what a result may be to become the payload asked for', function () {
  it('text and JSON are held to the smaller of the two ceilings; buffer, auto and file to the buffer’s', function () {
    assert.equal(payloadCeiling('text', CEILINGS), 100);
    assert.equal(payloadCeiling('json', CEILINGS), 100);
    assert.equal(payloadCeiling('text', { stringBytes: 2000, bufferBytes: 1000 }), 1000);
    for (const format of ['buffer', 'auto', 'file'] as const) assert.equal(payloadCeiling(format, CEILINGS), 1000, format);
    assert.deepEqual(NODE_CEILINGS, { stringBytes: constants.MAX_STRING_LENGTH, bufferBytes: constants.MAX_LENGTH });
  });

  it('a file too large for a string: RESULT_TOO_LARGE with its size, and the advice to take a buffer or a folder', function () {
    const error = cannotHold(FILE, 150, 'text', CEILINGS);
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.equal(
      error.message,
      'format: Result 2 (out.csv), 150 bytes, is larger than the 100 bytes a string can hold, so it cannot be delivered as "text"; fetch it as a buffer, or to a folder (format "file")',
    );
    assert.deepEqual(error.details, { field: 'format', maxBytes: 100, filesize: 150, format: 'text' });
  });

  it('a file of unknown size, or an entry inside a result, too large for a buffer: only a folder is advised', function () {
    const error = cannotHold(FILE, undefined, 'buffer', CEILINGS, 'data/big.bin');
    assert.equal(
      error.message,
      'format: data/big.bin in result 2 (out.csv) is larger than the 1000 bytes a buffer can hold, so it cannot be delivered as "buffer"; fetch it to a folder (format "file")',
    );
    assert.deepEqual(error.details, { field: 'format', maxBytes: 1000, format: 'buffer' });
  });

  it('text whose string ceiling equals the buffer’s is advised as a buffer’s', function () {
    const error = cannotHold(FILE, 2000, 'text', { stringBytes: 1000, bufferBytes: 1000 });
    assert.match(error.message, /the 1000 bytes a buffer can hold, so it cannot be delivered as "text"; fetch it to a folder \(format "file"\)$/);
  });
});
