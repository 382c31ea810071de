import assert from 'node:assert/strict';
import { isAddress } from '../../src/ocean/address';
import { OceanError } from '../../src/ocean/errors';
import { checkPrivateKey, walletFromPrivateKey } from '../../src/ocean/wallet';
import { thrown } from '../helpers/failure';

const KEY = '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

describe('checkPrivateKey: the credential checked without ethers', function () {
  it('answers the key with 0x, trimmed, in the case it was given', function () {
    assert.equal(checkPrivateKey(`  ${KEY}\n`), `0x${KEY}`);
    assert.equal(checkPrivateKey(`0x${KEY.toUpperCase()}`), `0x${KEY.toUpperCase()}`);
  });

  it('says what is wrong, with the length but never the characters', function () {
    const refused = (key: string): OceanError => thrown(() => checkPrivateKey(key));
    const empty = refused('   ');
    assert.equal(empty.code, 'INVALID_CONFIG');
    assert.equal(empty.message, 'privateKey: expected a 32-byte hex private key (64 hex digits, optional 0x), got nothing');
    assert.deepEqual(empty.details, { field: 'privateKey' });
    assert.equal(refused(`0x${KEY}00`).message, 'privateKey: expected a 32-byte hex private key (64 hex digits, optional 0x), got 68 characters that are not one');
    assert.equal(refused(`0X${KEY}`).message.endsWith('got 66 characters that are not one'), true);
    assert.equal(refused(`${KEY.slice(0, 63)}g`).message.includes(KEY.slice(0, 10)), false);
  });

  it('refuses a well-formed key outside the curve range when the wallet is made', function () {
    assert.throws(
      () => walletFromPrivateKey(`0x${'f'.repeat(64)}`),
      (error: unknown) => error instanceof OceanError && error.message === 'privateKey: expected a 32-byte hex private key (64 hex digits, optional 0x), got a value outside the valid key range',
    );
  });
});

describe('isAddress: 0x addresses, checksummed when in mixed case', function () {
  it('takes all-lower and all-upper hex without a checksum, and a correct checksum', function () {
    assert.equal(isAddress('0x70997970c51812dc3a010c7d01b50e0d17dc79c8'), true);
    assert.equal(isAddress('0x70997970C51812DC3A010C7D01B50E0D17DC79C8'), true);
    assert.equal(isAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8'), true);
  });

  it('refuses a wrong checksum, a wrong length, a missing 0x and other characters', function () {
    assert.equal(isAddress('0x70997970c51812dc3A010C7d01b50e0d17dc79C8'), false);
    assert.equal(isAddress('0x70997970c51812dc3a010c7d01b50e0d17dc79c'), false);
    assert.equal(isAddress('0x70997970c51812dc3a010c7d01b50e0d17dc79c8a'), false);
    assert.equal(isAddress('70997970c51812dc3a010c7d01b50e0d17dc79c8'), false);
    assert.equal(isAddress('0x70997970c51812dc3a010c7d01b50e0d17dc79cg'), false);
    assert.equal(isAddress(' 0x70997970c51812dc3a010c7d01b50e0d17dc79c8'), false);
  });
});
