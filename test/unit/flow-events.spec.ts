import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { onFlowEvent } from '../../src/nodes/lib/flow-events';

describe('runtime flow events shared by every connection', function () {
  it('twenty connections cost one listener per event, and each handler runs in order', function () {
    const events = new EventEmitter();
    const calls: string[] = [];
    const stops = Array.from({ length: 20 }, (_, i) => [
      onFlowEvent(events, 'flows:started', () => calls.push(`resume ${i}`), { once: true }),
      onFlowEvent(events, 'flows:started', () => calls.push(`release ${i}`)),
      onFlowEvent(events, 'flows:stopping', () => calls.push(`hold ${i}`)),
    ]);
    assert.equal(events.listenerCount('flows:started'), 1);
    assert.equal(events.listenerCount('flows:stopping'), 1);
    events.emit('flows:started');
    assert.deepEqual(calls.slice(0, 4), ['resume 0', 'release 0', 'resume 1', 'release 1']);
    assert.equal(calls.length, 40);
    calls.length = 0;
    events.emit('flows:stopping');
    events.emit('flows:started');
    assert.equal(calls.filter((c) => c.startsWith('hold')).length, 20);
    assert.deepEqual(calls.filter((c) => !c.startsWith('hold')), Array.from({ length: 20 }, (_, i) => `release ${i}`), 'a once handler runs once');
    for (const stop of stops.flat()) stop();
    calls.length = 0;
    events.emit('flows:started');
    events.emit('flows:stopping');
    assert.deepEqual(calls, [], 'nothing after each connection stopped listening');
  });

  it('a connection closed before the flows start never resumes', function () {
    const events = new EventEmitter();
    let resumed = 0;
    const stop = onFlowEvent(events, 'flows:started', () => (resumed += 1), { once: true });
    stop();
    events.emit('flows:started');
    assert.equal(resumed, 0);
  });
});
