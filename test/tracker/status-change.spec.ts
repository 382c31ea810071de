import assert from 'node:assert/strict';
import { statusChanged } from '../../src/tracker/status-change';
import { job } from './fake-client';

describe("statusChanged: what makes a 'change' event", function () {
  it('the first sighting counts', function () {
    assert.equal(statusChanged(undefined, job('a', 10)), true);
  });

  it('the same status, text and done flag is no change, whatever else differs', function () {
    assert.equal(statusChanged(job('a', 40), job('a', 40)), false);
    assert.equal(statusChanged(job('a', 70), job('a', 70, { results: [{ index: 0, filename: 'out.tar', type: 'output', kind: 'output', archive: true }], raw: { x: 1 } })), false);
  });

  it('a new status number alone is a change', function () {
    assert.equal(statusChanged(job('a', 20, { statusText: 'Working' }), job('a', 30, { statusText: 'Working' })), true);
  });

  it('a new status text alone is a change', function () {
    assert.equal(statusChanged(job('a', 40), job('a', 40, { statusText: 'Running algorithm, 50%' })), true);
  });

  it('a new done flag alone is a change', function () {
    assert.equal(statusChanged(job('a', 40), job('a', 40, { done: true })), true);
    assert.equal(statusChanged(job('a', 70), job('a', 70, { done: false })), true);
  });
});
