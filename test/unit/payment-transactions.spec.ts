import assert from 'node:assert/strict';
import { makeError, type Contract, type ContractTransactionResponse, type ErrorCode } from 'ethers';
import { shortReason } from '../../src/ocean/payment/chain';
import { receiptPollMs, sendTransaction } from '../../src/ocean/payment/transactions';
import { failure } from '../helpers/failure';

const HASH = `0x${'ab'.repeat(32)}`;
const WHAT = 'deposit into the escrow';

/**
 * A contract whose call fails (or is mined) as ethers reports it: the errors are ethers' own
 * (makeError), in the shapes RPCs produce that the local chain does not (geth's and hardhat's
 * revert texts, a dropped connection).
 */
function contractThat(send: () => Promise<unknown>): Contract {
  return { getFunction: () => ({ send, estimateGas: () => Promise.resolve(ESTIMATE) }), runner: null } as unknown as Contract;
}
const ESTIMATE = 65_031n;
/** An error as ethers makes it; only the fields a test names are given. */
const rpcError = (message: string, code: ErrorCode, info: Record<string, unknown> = {}): Error => makeError(message, code, info as never);
/** A sent transaction whose receipt reads give `receipts` in turn (the last one from then on). */
const minedAs = (...receipts: unknown[]): Contract => {
  let reads = 0;
  const getTransactionReceipt = (): Promise<unknown> => Promise.resolve(receipts[Math.min(reads++, receipts.length - 1)]);
  return contractThat(async () => ({ hash: HASH, provider: { getTransactionReceipt } }) as unknown as ContractTransactionResponse);
};

describe('what a failed transaction tells the user', function () {
  it('a revert whose reason ethers could not decode: the reason quoted in the RPC\'s text, as geth and hardhat word it', async function () {
    const cases: Array<[string, string]> = [
      ['reverted with reason string "Escrow: not enough funds"', 'Escrow: not enough funds'],
      ['execution reverted: "Escrow: not enough funds"', 'Escrow: not enough funds'],
      ['execution reverted: Escrow: not enough funds', 'Escrow: not enough funds'],
    ];
    for (const [text, reason] of cases) {
      const error = await failure(sendTransaction(contractThat(() => Promise.reject(rpcError(text, 'CALL_EXCEPTION', { reason: null }))), 'deposit', [], WHAT, 1000));
      assert.equal(error.code, 'TRANSACTION_FAILED', text);
      assert.equal(error.message, `Could not ${WHAT}: the transaction would revert with "${reason}"`, text);
      assert.deepEqual(error.details, { reason }, text);
    }
    const decoded = rpcError('execution reverted (unknown custom error)', 'CALL_EXCEPTION', { reason: 'Escrow: locked' });
    const named = await failure(sendTransaction(contractThat(() => Promise.reject(decoded)), 'deposit', [], WHAT, 1000));
    assert.equal(named.message, `Could not ${WHAT}: the transaction would revert with "Escrow: locked"`, 'the reason ethers decoded comes first');
    const empty = rpcError('execution reverted: "Escrow: not enough funds"', 'CALL_EXCEPTION', { reason: '' });
    const error = await failure(sendTransaction(contractThat(() => Promise.reject(empty)), 'deposit', [], WHAT, 1000));
    assert.equal(error.message, `Could not ${WHAT}: the transaction would revert with "Escrow: not enough funds"`, 'an empty reason is no reason');
  });

  it('a revert with no reason at all: the short form of ethers\' error, without details; sent once, even by a signer that could reset its nonce', async function () {
    const revert = rpcError('execution reverted (no data present; likely require(false) occurred', 'CALL_EXCEPTION', { reason: null });
    let sends = 0;
    let resets = 0;
    const contract = { getFunction: () => ({ send: () => (sends++, Promise.reject(revert)), estimateGas: () => Promise.resolve(ESTIMATE) }), runner: { reset: () => resets++ } } as unknown as Contract;
    const error = await failure(sendTransaction(contract, 'deposit', [], WHAT, 1000));
    assert.deepEqual([sends, resets], [1, 0]);
    assert.equal(error.code, 'TRANSACTION_FAILED');
    assert.equal(error.message, `Could not ${WHAT}: the transaction would revert (CALL_EXCEPTION: execution reverted)`);
    assert.equal(error.details, undefined);
  });

  it('an RPC that stops answering: UNREACHABLE, for a network error, a timeout, a refused or failed connection', async function () {
    const cases: Array<[Error, string]> = [
      [rpcError('network error', 'NETWORK_ERROR', { event: 'noNetwork' }), 'NETWORK_ERROR: network error'],
      [rpcError('timeout', 'TIMEOUT', { operation: 'request' }), 'TIMEOUT: timeout'],
      [new Error('connect ECONNREFUSED 127.0.0.1:8545 (while sending)'), 'connect ECONNREFUSED 127.0.0.1:8545'],
      [rpcError('fetch failed (socket closed)', 'UNKNOWN_ERROR', {}), 'fetch failed'],
    ];
    for (const [cause, reason] of cases) {
      const error = await failure(sendTransaction(contractThat(() => Promise.reject(cause)), 'deposit', [], WHAT, 1000));
      assert.equal(error.code, 'UNREACHABLE', reason);
      assert.equal(error.message, `Could not ${WHAT}: the RPC does not answer (${reason})`);
    }
  });

  it('a nonce taken elsewhere, with a signer that cannot read it again: the error as it came, nothing sent twice', async function () {
    let sends = 0;
    const taken = rpcError('nonce has already been used', 'NONCE_EXPIRED', { transaction: {} });
    const error = await failure(sendTransaction(contractThat(() => (sends++, Promise.reject(taken))), 'deposit', [], WHAT, 1000));
    assert.equal(error.code, 'TRANSACTION_FAILED');
    assert.equal(error.message, `Could not ${WHAT}: the transaction would revert (NONCE_EXPIRED: nonce has already been used)`);
    assert.equal(sends, 1);
  });

  it('a transaction mined but reverted: TRANSACTION_FAILED with its hash, so it can be looked up', async function () {
    const error = await failure(sendTransaction(minedAs({ status: 0 }), 'deposit', [], WHAT, 1000));
    assert.equal(error.code, 'TRANSACTION_FAILED');
    assert.equal(error.message, `Could not ${WHAT}: transaction ${HASH} failed (CALL_EXCEPTION: transaction execution reverted)`);
    assert.deepEqual(error.details, { txHash: HASH });
    const mined = await sendTransaction(minedAs({ status: 1 }), 'deposit', [], WHAT, 1000);
    assert.equal(mined, HASH);
  });

  it('a receipt not there at the first reads is read again until it is, however few blocks the chain makes', async function () {
    const mined = await sendTransaction(minedAs(null, null, null, { status: 1 }), 'deposit', [], WHAT, 5000);
    assert.equal(mined, HASH);
  });

  it('a receipt that never comes: TIMEOUT once the time is up, with the hash', async function () {
    const error = await failure(sendTransaction(minedAs(null), 'deposit', [], WHAT, 300));
    assert.equal(error.code, 'TIMEOUT');
    assert.equal(error.message, `Could not ${WHAT}: transaction ${HASH} was not mined within 300 ms; it may still be mined, check it before paying again`);
    assert.deepEqual(error.details, { txHash: HASH });
  });

  it('reads the receipt after 50, 100, 200 ... ms, then every second', function () {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map(receiptPollMs), [50, 100, 200, 400, 800, 1000, 1000]);
  });

  it('shortReason: ethers\' code and the message up to its details; the message alone when there is no code', function () {
    assert.equal(shortReason(rpcError('could not coalesce error', 'UNKNOWN_ERROR', {})), 'could not coalesce error');
    assert.equal(shortReason(new Error('socket hang up (ECONNRESET)')), 'socket hang up');
    assert.equal(shortReason(new Error('no answer within 10000 ms')), 'no answer within 10000 ms');
    assert.equal(shortReason(Object.assign(new Error('bad (x)'), { code: 42 })), 'bad');
    assert.equal(shortReason('plain text'), 'plain text');
  });
});
