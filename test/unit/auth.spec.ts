import assert from 'node:assert/strict';
import { Signature, Wallet, getBytes, hashMessage, keccak256, recoverAddress, toUtf8Bytes, verifyMessage } from 'ethers';
import { OceanError } from '../../src/ocean';
import { Authenticator, MAX_NONCE_ATTEMPTS, nonceRetryPauseMs } from '../../src/ocean/auth/authenticator';
import { NonceSequence, SerialQueue } from '../../src/ocean/auth/nonces';
import { signRequest } from '../../src/ocean/auth/signing';
import { dialectFor } from '../../src/ocean/dialects';
import { testAccount } from '../helpers/accounts';
import { exchange } from '../helpers/recordings';

/** A promise with its resolve/reject outside, to drive tasks step by step. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('auth', function () {
  describe('NonceSequence', function () {
    it('starts at the clock, in milliseconds', function () {
      const nonces = new NonceSequence(() => 1_795_571_944_506);
      assert.equal(nonces.next(), 1_795_571_944_506n);
    });

    it('keeps increasing with a frozen clock', function () {
      const nonces = new NonceSequence(() => 1000);
      assert.deepEqual([nonces.next(), nonces.next(), nonces.next()], [1000n, 1001n, 1002n]);
    });

    it('never goes down when the clock goes back', function () {
      let now = 5000;
      const nonces = new NonceSequence(() => now);
      assert.equal(nonces.next(), 5000n);
      now = 10;
      assert.equal(nonces.next(), 5001n);
      now = 4000;
      assert.equal(nonces.next(), 5002n);
    });

    it('follows the clock when it moves ahead', function () {
      let now = 1000;
      const nonces = new NonceSequence(() => now);
      nonces.next();
      nonces.next();
      now = 2000;
      assert.equal(nonces.next(), 2000n);
      assert.equal(nonces.next(), 2001n);
    });

    it('issues above a stored nonce it learns, even with a frozen clock', function () {
      const nonces = new NonceSequence(() => 1000);
      assert.equal(nonces.next(), 1000n);
      nonces.observeStored(1_795_571_944_513n);
      assert.equal(nonces.next(), 1_795_571_944_514n);
      assert.equal(nonces.next(), 1_795_571_944_515n);
    });

    it('follows the clock of a host that runs ahead on the same wallet, once it has seen its nonce', function () {
      let now = 1_000;
      const nonces = new NonceSequence(() => now);
      nonces.observeStored(3_000n);
      assert.equal(nonces.next(), 3_001n);
      now = 1_500;
      assert.equal(nonces.next(), 3_501n, 'the other host is 2 s ahead: 500 ms later it is at 3,500');
      nonces.observeStored(2_000n);
      now = 1_600;
      assert.equal(nonces.next(), 3_601n, 'an older stored nonce changes nothing');
    });

    it('stays above a stored nonce it learned when the clock then goes back', function () {
      let now = 1_000;
      const nonces = new NonceSequence(() => now);
      assert.equal(nonces.next(), 1_000n);
      nonces.observeStored(5_000n);
      now = 900;
      assert.equal(nonces.next(), 5_001n, 'not 4,901: that is at or below what the server stores');
    });

    it('stays above a stored nonce behind its clock when the clock then goes back', function () {
      let now = 10_000;
      const nonces = new NonceSequence(() => now);
      nonces.observeStored(5_000n);
      now = 100;
      assert.equal(nonces.next(), 5_001n);
    });

    it('treats a stored nonce equal to its last as used', function () {
      const nonces = new NonceSequence(() => 1000);
      nonces.next();
      nonces.observeStored(1000n);
      assert.equal(nonces.next(), 1001n);
    });

    it('ignores a stored nonce below what it already issued', function () {
      const nonces = new NonceSequence(() => 1000);
      nonces.next();
      nonces.next();
      nonces.observeStored(5n);
      assert.equal(nonces.next(), 1002n);
    });

    it('never repeats over many calls with a coarse clock', function () {
      let calls = 0;
      const nonces = new NonceSequence(() => 1000 + Math.floor(calls++ / 10));
      const issued = Array.from({ length: 200 }, () => nonces.next());
      for (let i = 1; i < issued.length; i += 1) assert.ok(issued[i]! > issued[i - 1]!, `nonce ${i} is above nonce ${i - 1}`);
    });

    it('uses Date.now by default', function () {
      const before = BigInt(Date.now());
      const nonce = new NonceSequence().next();
      assert.ok(nonce >= before && nonce <= BigInt(Date.now()) + 1n);
    });
  });

  describe('SerialQueue', function () {
    it('runs one task at a time, in call order', async function () {
      const queue = new SerialQueue();
      const log: string[] = [];
      const gates = [deferred<null>(), deferred<null>(), deferred<null>()];
      const results = gates.map((gate, i) =>
        queue.run(async () => {
          log.push(`start ${i}`);
          await gate.promise;
          log.push(`end ${i}`);
          return i * 10;
        }),
      );
      await tick();
      assert.deepEqual(log, ['start 0'], 'the second waits for the first');
      gates[2]!.resolve(null);
      await tick();
      assert.deepEqual(log, ['start 0'], 'releasing a later task does not let it overtake');
      gates[0]!.resolve(null);
      await tick();
      assert.deepEqual(log, ['start 0', 'end 0', 'start 1']);
      gates[1]!.resolve(null);
      assert.deepEqual(await Promise.all(results), [0, 10, 20]);
      assert.deepEqual(log, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    });

    it('keeps going after a task rejects, and hands each caller its own outcome', async function () {
      const queue = new SerialQueue();
      const order: number[] = [];
      const first = queue.run(async () => {
        order.push(1);
        throw new Error('nonce: 1 is not a valid nonce');
      });
      const second = queue.run(async () => {
        order.push(2);
        return 'second';
      });
      const third = queue.run(() => {
        order.push(3);
        return Promise.reject(new Error('third failed'));
      });
      const fourth = queue.run(async () => {
        order.push(4);
        return 'fourth';
      });
      await assert.rejects(first, /nonce: 1 is not a valid nonce/);
      assert.equal(await second, 'second');
      await assert.rejects(third, /third failed/);
      assert.equal(await fourth, 'fourth');
      assert.deepEqual(order, [1, 2, 3, 4]);
    });

    it('keeps going after a task throws synchronously', async function () {
      const queue = new SerialQueue();
      const failing = queue.run((): Promise<string> => {
        throw new Error('sync');
      });
      const next = queue.run(async () => 'next');
      await assert.rejects(failing, /sync/);
      assert.equal(await next, 'next');
    });

    it('starts a task on a fresh queue right away', async function () {
      const queue = new SerialQueue();
      let started = false;
      const done = queue.run(async () => {
        started = true;
      });
      await tick();
      assert.equal(started, true);
      await done;
    });
  });

  describe('Authenticator', function () {
    it('asked for a token by a backend that issues none: UNSUPPORTED_BACKEND, and nothing is sent', async function () {
      const asked: string[] = [];
      const transport = {
        request: async () => {
          asked.push('request');
          throw new Error('no request expected');
        },
        storedNonce: async () => {
          asked.push('storedNonce');
          return 0n;
        },
        json: async <T>(): Promise<T> => {
          asked.push('json');
          throw new Error('no request expected');
        },
      };
      const wallet = new Wallet(testAccount(2).privateKey);
      const dialect = dialectFor('provider-v2');
      const auth = new Authenticator(wallet, dialect, transport, true, () => 1_000);
      const plan = dialect.stopPlan({ consumerAddress: wallet.address, jobId: 'job-1', did: 'did:op:1' });
      const error = await auth.call(plan, async () => 'sent').catch((e: unknown) => e);
      assert.ok(error instanceof OceanError);
      assert.equal(error.code, 'UNSUPPORTED_BACKEND');
      assert.equal(error.message, 'The Provider v2 issues no auth tokens');
      assert.deepEqual(asked, []);
    });
  });

  describe('nonceRetryPauseMs', function () {
    it('pauses a random part of 20, 40, 80 ... 1280 ms: at most 2.54 s before the last of the eight sends', function () {
      const longest = [1, 2, 3, 4, 5, 6, 7].map((attempt) => nonceRetryPauseMs(attempt, () => 1));
      assert.deepEqual(longest, [20, 40, 80, 160, 320, 640, 1280]);
      assert.equal(MAX_NONCE_ATTEMPTS, 8);
      assert.equal(nonceRetryPauseMs(3, () => 0.25), 20);
      assert.equal(nonceRetryPauseMs(2, () => 0), 0);
    });
  });

  describe('signRequest', function () {
    const account = testAccount(2);
    const wallet = new Wallet(account.privateKey);
    const message = `${wallet.address}1freeStartCompute`;

    it('signs EIP-191 over the 32 bytes of keccak256(utf8(message)), recoverable to the wallet', async function () {
      const signature = await signRequest(wallet, message);
      assert.match(signature, /^0x[0-9a-f]{130}$/);
      const digest = getBytes(keccak256(toUtf8Bytes(message)));
      assert.equal(verifyMessage(digest, signature), wallet.address);
      assert.equal(recoverAddress(hashMessage(digest), signature), wallet.address);
    });

    it('ends with v = 27 or 28', async function () {
      for (const text of [message, `${wallet.address}2stopCompute`, `${wallet.address}3getComputeResult`, 'x']) {
        const signature = await signRequest(wallet, text);
        const v = Number.parseInt(signature.slice(130), 16);
        assert.ok(v === 27 || v === 28, `v is ${v}`);
        assert.equal(Signature.from(signature).v, v);
      }
    });

    it('is not a signature over the message text itself', async function () {
      const signature = await signRequest(wallet, message);
      assert.notEqual(verifyMessage(message, signature), wallet.address);
      assert.notEqual(verifyMessage(getBytes(keccak256(toUtf8Bytes(`${message} `))), signature), wallet.address);
    });

    it('reproduces the signatures a real Ocean Node accepted', async function () {
      const cases: Array<[number, string, string, RegExp, 'body' | 'query']> = [
        [2, '1freeStartCompute', 'b-free-compute-lifecycle', /^free start: raw-code/, 'body'],
        [5, '1startCompute', 'd-paid-compute-escrow', /^paid start/, 'body'],
        [6, '1createAuthToken', 'e-auth-token', /^create auth token: signature/, 'body'],
        [4, '6stopCompute', 'c-failures-stop-early-results', /^c1 stop requested/, 'query'],
        [2, '3getComputeResult', 'b-free-compute-lifecycle', /^result index 0 /, 'query'],
      ];
      for (const [index, suffix, file, note, where] of cases) {
        const signer = new Wallet(testAccount(index).privateKey);
        const request = exchange(file, note).request;
        const recorded =
          where === 'body'
            ? (request.body as { signature: string }).signature
            : new URL(request.path, 'http://127.0.0.1').searchParams.get('signature');
        assert.equal(await signRequest(signer, `${signer.address}${suffix}`), recorded, `${file} ${note}`);
      }
    });
  });
});
