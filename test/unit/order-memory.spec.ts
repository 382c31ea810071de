import assert from 'node:assert/strict';
import { OrderMemory } from '../../src/ocean/payment/pay';

const DID = 'did:op:1';
const TX = `0x${'a1'.repeat(32)}`;

describe('orders remembered for reuse', function () {
  it('by asset, service and environment', function () {
    const memory = new OrderMemory();
    memory.set(DID, 'compute', 'env-1', TX);
    assert.equal(memory.get(DID, 'compute', 'env-1'), TX);
    assert.equal(memory.get(DID, 'compute', 'env-2'), undefined);
    assert.equal(memory.get(DID, 'access', 'env-1'), undefined);
    assert.equal(memory.get('did:op:2', 'compute', 'env-1'), undefined);
  });

  it('an order held by two starts is handed out again only once both have let go; letting go twice counts once', function () {
    const memory = new OrderMemory();
    memory.set(DID, 'compute', 'env-1', TX);
    const first = memory.use(TX);
    const second = memory.use(TX);
    first();
    assert.equal(memory.get(DID, 'compute', 'env-1'), undefined, 'the second start still holds it');
    first();
    assert.equal(memory.get(DID, 'compute', 'env-1'), undefined, 'the first start let go only once');
    second();
    assert.equal(memory.get(DID, 'compute', 'env-1'), TX);
    const third = memory.use(TX);
    assert.equal(memory.get(DID, 'compute', 'env-1'), undefined, 'held again');
    third();
    assert.equal(memory.get(DID, 'compute', 'env-1'), TX);
  });
});
