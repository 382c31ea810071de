import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ZeroAddress, parseUnits } from 'ethers';
import type { ComputeEnvironment } from '../../src/ocean/environments';
import { parseOceanNodeEnvironments } from '../../src/ocean/dialects/ocean-node-environments';
import { parseProviderV2Environments } from '../../src/ocean/dialects/provider-v2-environments';
import { KNOWN_ESCROW_ADDRESSES } from '../../src/ocean/payment/escrow-addresses';
import { checkEscrowQuote, checkProviderFees, localEscrowPrice, localV2Fee, pricedSeconds, type QuoteContext } from '../../src/ocean/payment/quote-check';
import type { EscrowQuote, ProviderFee } from '../../src/ocean/payment/types';
import { failure } from '../helpers/failure';
import { exchange } from '../helpers/recordings';

/** The recorded paid job: the environment, and the quote the real node gave for 1 cpu and 60 s. */
const [environment] = parseOceanNodeEnvironments(exchange('d-paid-compute-escrow', /^environments for chain 8996/).response.body, 8996);
const recordedQuote = (exchange('d-paid-compute-escrow', /^quote for a paid job/).response.body as { payment: EscrowQuote }).payment;
const recordedRequest = exchange('d-paid-compute-escrow', /^quote for a paid job/).request.body as { maxJobDuration: number; payment: { token: string; resources: Array<{ id: string; amount: number }> } };
const NODE = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const ESCROW = '0x0DCd1Bf9A1b36cE34237eEaFef220932846BCD82';
const OCEAN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

function context(change: Partial<QuoteContext> = {}): QuoteContext {
  return {
    chainId: 8996,
    environment: environment!,
    providerAddress: NODE,
    escrowAddress: ESCROW,
    claimSeconds: 3600,
    request: { environment: environment!.id, datasets: [], algorithm: { did: 'did:op:1' }, maxJobDuration: recordedRequest.maxJobDuration, resources: recordedRequest.payment.resources, payment: { chainId: 8996, token: recordedRequest.payment.token } },
    decimals: () => Promise.resolve(18),
    ...change,
  };
}

describe('price quotes checked against what the wallet knows', function () {
  it('the recorded quote of a real Ocean Node passes: 1 OCEAN per cpu-minute, 1 cpu, 60 s = 1 OCEAN, locked 60 + 3600 s', async function () {
    assert.equal(recordedQuote.amount, parseUnits('1', 18).toString());
    assert.equal(recordedQuote.minLockSeconds, 3660);
    assert.equal(await checkEscrowQuote(recordedQuote, context()), parseUnits('1', 18));
  });

  it('prices like Ocean Node: asked amounts, else the environment\'s minimum; started minutes; the duration within the environment\'s limits', function () {
    const price = (request: Partial<QuoteContext['request']>): bigint => localEscrowPrice(environment!, OCEAN, { ...context().request, ...request }, 18);
    assert.equal(price({ resources: undefined }), parseUnits('1', 18), 'cpu min is 1');
    assert.equal(price({ resources: [{ id: 'cpu', amount: 2 }] }), parseUnits('2', 18));
    assert.equal(price({ maxJobDuration: 61 }), parseUnits('2', 18), 'a started minute counts whole');
    assert.equal(price({ maxJobDuration: 5 }), parseUnits('1', 18), 'raised to minJobDuration 10 s: one minute');
    assert.equal(price({ maxJobDuration: 99_999 }), parseUnits('60', 18), 'capped at maxJobDuration 3600 s');
    assert.equal(pricedSeconds(environment!, 5), 10);
    assert.equal(pricedSeconds(environment!, 99_999), 3600);
  });

  it('allows 1 % over the local price for rounding, and no more', async function () {
    await checkEscrowQuote({ ...recordedQuote, amount: parseUnits('1.01', 18).toString() }, context());
    const error = await failure(checkEscrowQuote({ ...recordedQuote, amount: parseUnits('1.0101', 18).toString() }, context()));
    assert.equal(error.code, 'PAYMENT_REFUSED');
    assert.deepEqual(error.details, { field: 'amount', expected: '1.0', got: '1.0101', token: OCEAN });
  });

  it('names what differed: payee, chain, token, escrow contract, lock, amount; exact texts', async function () {
    const refusal = (why: string): string => `Nothing was paid: the backend's price quote was refused, because ${why}`;
    const asked = recordedRequest.payment.token;
    const cases: Array<[Partial<EscrowQuote>, Partial<QuoteContext>, string, Record<string, unknown>]> = [
      [{ payee: OCEAN }, {}, `it pays ${OCEAN}, not the backend's address ${NODE}`, { field: 'payee', expected: NODE, got: OCEAN }],
      [{ chainId: 1 }, {}, 'it is for chain 1, not 8996', { field: 'chainId', expected: 8996, got: 1 }],
      [{ token: NODE }, {}, `token ${NODE} is not the fee token asked for`, { field: 'token', expected: asked, got: NODE }],
      [{ escrowAddress: NODE }, {}, `escrow ${NODE} is not the chain's Escrow contract ${ESCROW}`, { field: 'escrowAddress', expected: ESCROW, got: NODE }],
      [{}, { escrowAddress: undefined }, 'no Escrow contract is known for chain 8996; set the escrow address in the connection', { field: 'escrowAddress', got: recordedQuote.escrowAddress }],
      [{ minLockSeconds: 3661 }, {}, "it wants funds locked for 3661 s, more than the job's duration plus 3600 s to claim (3660 s)", { field: 'minLockSeconds', expected: 3660, got: 3661 }],
      [{ minLockSeconds: Number.NaN }, {}, "it wants funds locked for NaN s, more than the job's duration plus 3600 s to claim (3660 s)", { field: 'minLockSeconds', expected: 3660, got: Number.NaN }],
      [{ amount: parseUnits('1.0101', 18).toString() }, {}, "it asks 1.0101 where the environment's prices make 1.0", { field: 'amount', expected: '1.0', got: '1.0101', token: OCEAN }],
    ];
    for (const [quote, ctx, why, details] of cases) {
      const error = await failure(checkEscrowQuote({ ...recordedQuote, ...quote }, context(ctx)));
      assert.equal(error.code, 'PAYMENT_REFUSED', why);
      assert.equal(error.message, refusal(why));
      assert.deepEqual(error.details, details);
    }
    // A longer claim time set on the connection allows a longer lock.
    await checkEscrowQuote({ ...recordedQuote, minLockSeconds: 7260 }, context({ claimSeconds: 7200 }));
  });

  it('without a token asked for, any token the environment takes; another is refused, naming the ones it takes', async function () {
    const unasked = { ...context().request, payment: undefined };
    const two = { ...environment!, feeTokens: [NODE, OCEAN] };
    assert.equal(await checkEscrowQuote(recordedQuote, context({ request: unasked, environment: two })), parseUnits('1', 18));
    const error = await failure(checkEscrowQuote({ ...recordedQuote, token: ESCROW }, context({ request: unasked })));
    assert.equal(error.message, `Nothing was paid: the backend's price quote was refused, because token ${ESCROW} is not the fee token asked for`);
    assert.deepEqual(error.details, { field: 'token', expected: environment!.feeTokens, got: ESCROW });
  });

  it('with a token asked for, a quote in another token the environment also takes is refused, naming the one asked', async function () {
    const two = { ...environment!, feeTokens: [NODE, OCEAN], resourcePrices: { ...environment!.resourcePrices, [NODE]: environment!.resourcePrices![OCEAN]! } };
    const error = await failure(checkEscrowQuote({ ...recordedQuote, token: NODE }, context({ environment: two })));
    assert.equal(error.code, 'PAYMENT_REFUSED');
    assert.equal(error.message, `Nothing was paid: the backend's price quote was refused, because token ${NODE} is not the fee token asked for`);
    assert.deepEqual(error.details, { field: 'token', expected: recordedRequest.payment.token, got: NODE });
    assert.equal(await checkEscrowQuote(recordedQuote, context({ environment: two })), parseUnits('1', 18), 'the token asked for passes');
  });

  it('prices a resource not asked for at the environment\'s minimum of that resource', function () {
    const env: ComputeEnvironment = {
      ...environment!,
      resources: [
        { ...environment!.resources[0]!, id: 'ram', min: 5 },
        { ...environment!.resources[0]!, id: 'cpu', min: 2 },
      ],
      resourcePrices: { [OCEAN]: [{ id: 'cpu', price: 1 }] },
    };
    assert.equal(localEscrowPrice(env, OCEAN, { ...context().request, resources: undefined, maxJobDuration: 60 }, 18), parseUnits('2', 18));
    assert.equal(localEscrowPrice(env, OCEAN, { ...context().request, resources: [{ id: 'ram', amount: 9 }, { id: 'cpu', amount: 3 }], maxJobDuration: 60 }, 18), parseUnits('3', 18));
  });

  it('pays the environment\'s own address when the root answer names none, and refuses when neither does', async function () {
    await checkEscrowQuote(recordedQuote, context({ providerAddress: undefined }));
    const nobody = { ...environment!, consumerAddress: '' };
    assert.equal((await failure(checkEscrowQuote(recordedQuote, context({ providerAddress: undefined, environment: nobody })))).details?.field, 'payee');
  });

  it('an environment without prices for the quoted token refuses it, naming the token and the ones it takes', async function () {
    const error = await failure(Promise.resolve().then(() => localEscrowPrice(environment!, NODE, context().request, 18)));
    assert.equal(error.code, 'PAYMENT_REFUSED');
    assert.equal(error.message, `Nothing was paid: the backend's price quote was refused, because environment ${environment!.id} lists no prices for token ${NODE}`);
    assert.deepEqual(error.details, { field: 'token', got: NODE, expected: environment!.feeTokens });
  });

  it('prices that make no sensible amount (1e21 tokens or more, below 0, not a number) are refused; just below 1e21 and 0 are priced', async function () {
    const pricedAt = (price: number): ComputeEnvironment => ({ ...environment!, resourcePrices: { [OCEAN]: [{ id: 'cpu', price }] } });
    const request = { ...context().request, resources: [{ id: 'cpu', amount: 1 }], maxJobDuration: 60 };
    assert.equal(localEscrowPrice(pricedAt(9e20), OCEAN, request, 18), parseUnits('900000000000000000000', 18));
    assert.equal(localEscrowPrice(pricedAt(0), OCEAN, request, 18), 0n);
    for (const [price, shown] of [[1e21, '1e+21'], [-0.5, '-0.5'], [Number.NaN, 'NaN'], [Infinity, 'Infinity']] as const) {
      const refusal = await failure(Promise.resolve().then(() => localEscrowPrice(pricedAt(price), OCEAN, request, 18)));
      assert.equal(refusal.code, 'PAYMENT_REFUSED', shown);
      assert.equal(refusal.message, `Nothing was paid: the backend's price quote was refused, because the environment's prices make no sensible amount (${shown})`);
      assert.deepEqual(refusal.details, { field: 'amount' });
    }
  });

  describe('provider fees', function () {
    const [v2] = parseProviderV2Environments({ 8996: [{ id: 'ocean-compute', consumerAddress: NODE, feeToken: OCEAN, priceMin: '0.5', maxJobDuration: '3600' }] }, 8996);
    const fee = (change: Partial<ProviderFee> = {}): ProviderFee => ({
      providerFeeAddress: NODE,
      providerFeeToken: OCEAN,
      providerFeeAmount: parseUnits('0.5', 18).toString(),
      providerData: '0x',
      v: 27,
      r: '0x',
      s: '0x',
      validUntil: 0,
      ...change,
    });
    const bound = (): bigint => localV2Fee(v2!, 60, 18);

    it('Provider v2: priceMin × seconds / 60, all fees together', async function () {
      assert.equal(bound(), parseUnits('0.5', 18));
      await checkProviderFees([{ field: 'datasets[0]', fee: fee() }, { field: 'algorithm', fee: fee({ providerFeeAmount: '0' }) }], context({ environment: v2! }), bound);
      const twice = await failure(checkProviderFees([{ field: 'datasets[0]', fee: fee() }, { field: 'algorithm', fee: fee() }], context({ environment: v2! }), bound));
      assert.deepEqual(twice.details, { field: 'providerFeeAmount', expected: '0.5', got: '1.0', token: OCEAN });
    });

    it('a fee of 0 may name any token and address, even with no address known to pay: nothing moves', async function () {
      await checkProviderFees([{ field: 'datasets[0]', fee: fee({ providerFeeAmount: '0', providerFeeAddress: OCEAN, providerFeeToken: NODE }) }], context({ environment: v2! }), bound);
      const nobody = context({ environment: { ...v2!, consumerAddress: '' }, providerAddress: undefined });
      await checkProviderFees([{ field: 'datasets[0]', fee: fee({ providerFeeAmount: '0' }) }], nobody, bound);
      const error = await failure(checkProviderFees([{ field: 'datasets[0]', fee: fee() }], nobody, bound));
      assert.equal(error.message, "Nothing was paid: the backend's price quote was refused, because the backend names no provider address to pay");
      assert.deepEqual(error.details, { field: 'payee' });
    });

    it('fees up to 1 % over the environment\'s price pass; a wei more is refused, with both amounts', async function () {
      await checkProviderFees([{ field: 'datasets[0]', fee: fee({ providerFeeAmount: parseUnits('0.505', 18).toString() }) }], context({ environment: v2! }), bound);
      const over = (parseUnits('0.505', 18) + 1n).toString();
      const error = await failure(checkProviderFees([{ field: 'datasets[0]', fee: fee({ providerFeeAmount: over }) }], context({ environment: v2! }), bound));
      assert.equal(error.message, "Nothing was paid: the backend's price quote was refused, because its provider fees come to 0.505000000000000001 where the environment's price makes 0.5");
    });

    it('Provider v2 without a fee token, or with the zero address as one, charges nothing', function () {
      assert.equal(localV2Fee({ ...v2!, feeTokens: [] }, 60, 18), 0n);
      assert.equal(localV2Fee({ ...v2!, feeTokens: [ZeroAddress], pricePerMinute: { [ZeroAddress]: 1 } }, 60, 18), 0n);
      assert.equal(localV2Fee(v2!, 120, 18), parseUnits('1', 18));
    });

    it('fees in two tokens the environment both takes are refused, listing the tokens', async function () {
      const both = { ...v2!, feeTokens: [OCEAN, ESCROW] };
      const error = await failure(checkProviderFees([{ field: 'datasets[0]', fee: fee() }, { field: 'algorithm', fee: fee({ providerFeeToken: ESCROW }) }], context({ environment: both }), bound));
      assert.equal(error.code, 'PAYMENT_REFUSED');
      assert.equal(error.message, "Nothing was paid: the backend's price quote was refused, because its provider fees are in different tokens");
      assert.deepEqual(error.details, { field: 'providerFeeToken', got: [OCEAN, ESCROW] });
      // The same token, spelt in another case, is one token.
      await checkProviderFees([{ field: 'datasets[0]', fee: fee({ providerFeeAmount: '1' }) }, { field: 'algorithm', fee: fee({ providerFeeAmount: '1', providerFeeToken: OCEAN.toLowerCase() }) }], context({ environment: both }), bound);
    });

    it('a fee to another address or in another token is refused', async function () {
      const to = await failure(checkProviderFees([{ field: 'datasets[0]', fee: fee({ providerFeeAddress: OCEAN }) }], context({ environment: v2! }), bound));
      assert.equal(to.message, `Nothing was paid: the backend's price quote was refused, because the provider fee of datasets[0] goes to ${OCEAN}, not the backend's address ${NODE}`);
      assert.deepEqual(to.details, { field: 'datasets[0].providerFeeAddress', expected: NODE, got: OCEAN });
      const token = await failure(checkProviderFees([{ field: 'algorithm', fee: fee({ providerFeeToken: NODE }) }], context({ environment: v2! }), bound));
      assert.equal(token.message, `Nothing was paid: the backend's price quote was refused, because the provider fee of algorithm is in token ${NODE}, which the environment does not take`);
      assert.deepEqual(token.details, { field: 'algorithm.providerFeeToken', expected: [OCEAN], got: NODE });
      const zero = await failure(checkProviderFees([{ field: 'algorithm', fee: fee({ providerFeeToken: ZeroAddress }) }], context({ environment: { ...v2!, feeTokens: [ZeroAddress, OCEAN] } }), bound));
      assert.equal(zero.details?.field, 'algorithm.providerFeeToken', 'the zero address is no token, even when listed');
    });
  });

  it('the table of Escrow contracts is the one @oceanprotocol/contracts ships', function () {
    // By value, not by the generated file's text (which CI checks with the script's --check), so a
    // changed address fails here even in a copy of the sources that was rewritten (Stryker's).
    const networks = JSON.parse(readFileSync(require.resolve('@oceanprotocol/contracts/addresses/address.json'), 'utf8')) as Record<string, { chainId?: unknown; Escrow?: unknown }>;
    const shipped = Object.fromEntries(
      Object.values(networks)
        .filter((n) => typeof n.Escrow === 'string' && Number.isInteger(n.chainId))
        .map((n) => [n.chainId as number, n.Escrow as string]),
    );
    assert.ok(Object.keys(shipped).length >= 3, 'the contracts list Escrow on several chains');
    assert.deepEqual({ ...KNOWN_ESCROW_ADDRESSES }, shipped);
  });
});
