import assert from 'node:assert/strict';
import { EscrowHolds } from '../../src/ocean/payment/escrow';
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

describe('escrow funds held for starts in flight', function () {
  const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

  it('adds up per token, whatever the case of its address; each start lets go of its own, once', function () {
    const holds = new EscrowHolds();
    assert.deepEqual(holds.held(TOKEN), { amount: 0n, locks: 0n });
    const first = holds.hold(TOKEN, 5n);
    const second = holds.hold(TOKEN.toLowerCase(), 7n);
    assert.deepEqual(holds.held(TOKEN.toUpperCase().replace('0X', '0x')), { amount: 12n, locks: 2n });
    assert.deepEqual(holds.held('0x0000000000000000000000000000000000000001'), { amount: 0n, locks: 0n });
    first();
    first();
    assert.deepEqual(holds.held(TOKEN), { amount: 7n, locks: 1n }, 'the first start let go once, of its own 5');
    second();
    assert.deepEqual(holds.held(TOKEN), { amount: 0n, locks: 0n });
  });
});
