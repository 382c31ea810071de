import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Interface, ZeroAddress, zeroPadValue, type InterfaceAbi } from 'ethers';
import { DATATOKEN_ABI, ERC20_ABI, ESCROW_ABI } from '../../src/ocean/payment/abi';

/** The contracts' own ABIs, as @oceanprotocol/contracts ships them. */
function shipped(artifact: string): Interface {
  const path = require.resolve(`@oceanprotocol/contracts/artifacts/contracts/${artifact}`);
  return new Interface((JSON.parse(readFileSync(path, 'utf8')) as { abi: InterfaceAbi }).abi);
}
const ERC20_TEMPLATE = shipped('templates/ERC20Template.sol/ERC20Template.json');
const ESCROW = shipped('escrow/Escrow.sol/Escrow.json');

const A = '0x1111111111111111111111111111111111111111';
const B = '0x2222222222222222222222222222222222222222';
const C = '0x3333333333333333333333333333333333333333';
const FEE = [A, B, 5n * 10n ** 17n, 27, zeroPadValue('0x01', 32), zeroPadValue('0x02', 32), 1_700_000_000n, '0xabcdef'];

/** Every function of `ours`, by name: its selector and what it returns, as the shipped contract has them. */
function assertMatches(ours: Interface, contract: Interface, names: string[]): void {
  const declared: string[] = [];
  ours.forEachFunction((f) => declared.push(f.name));
  assert.deepEqual(declared.sort(), [...names].sort(), 'exactly the functions payments call');
  for (const name of names) {
    const mine = ours.getFunction(name)!;
    const theirs = contract.getFunction(name)!;
    assert.equal(mine.selector, theirs.selector, `${name}: selector`);
    assert.deepEqual(
      mine.outputs.map((o) => o.format('full')),
      theirs.outputs.map((o) => o.format('full')),
      `${name}: outputs, with the field names the code reads`,
    );
  }
}

describe('contract ABIs of payments, against @oceanprotocol/contracts', function () {
  it('ERC20_ABI: balanceOf, allowance, approve, decimals, symbol of the datatoken template', function () {
    assertMatches(new Interface(ERC20_ABI), ERC20_TEMPLATE, ['balanceOf', 'allowance', 'approve', 'decimals', 'symbol']);
  });

  it('DATATOKEN_ABI: the ERC20 calls plus startOrder and reuseOrder', function () {
    assertMatches(new Interface(DATATOKEN_ABI), ERC20_TEMPLATE, ['balanceOf', 'allowance', 'approve', 'decimals', 'symbol', 'startOrder', 'reuseOrder']);
  });

  it('ESCROW_ABI: deposit, withdraw, getUserTokens, authorize, getUserFunds, getAuthorizations', function () {
    assertMatches(new Interface(ESCROW_ABI), ESCROW, ['deposit', 'withdraw', 'getUserTokens', 'authorize', 'getUserFunds', 'getAuthorizations']);
  });

  it('encodes the calls payments send byte for byte as the contracts\' ABI does', function () {
    const datatoken = new Interface(DATATOKEN_ABI);
    const escrow = new Interface(ESCROW_ABI);
    const calls: Array<[Interface, Interface, string, unknown[]]> = [
      [datatoken, ERC20_TEMPLATE, 'startOrder', [C, 3n, FEE, [ZeroAddress, ZeroAddress, 0n]]],
      [datatoken, ERC20_TEMPLATE, 'reuseOrder', [zeroPadValue('0x0abc', 32), FEE]],
      [datatoken, ERC20_TEMPLATE, 'approve', [B, 7n]],
      [datatoken, ERC20_TEMPLATE, 'balanceOf', [A]],
      [datatoken, ERC20_TEMPLATE, 'allowance', [A, B]],
      [escrow, ESCROW, 'deposit', [A, 10n ** 18n]],
      [escrow, ESCROW, 'withdraw', [[A, B], [1n, 2n]]],
      [escrow, ESCROW, 'authorize', [A, B, 3n * 10n ** 18n, 3660n, 3n]],
      [escrow, ESCROW, 'getUserTokens', [A]],
      [escrow, ESCROW, 'getUserFunds', [A, B]],
      [escrow, ESCROW, 'getAuthorizations', [A, B, C]],
    ];
    for (const [ours, theirs, name, args] of calls) {
      assert.equal(ours.encodeFunctionData(name, args), theirs.encodeFunctionData(name, args), name);
    }
  });

  it('decodes the escrow\'s answers into the fields the code reads', function () {
    const escrow = new Interface(ESCROW_ABI);
    const funds = escrow.decodeFunctionResult('getUserFunds', ESCROW.encodeFunctionResult('getUserFunds', [[5n, 2n]]))[0] as { available: bigint; locked: bigint };
    assert.deepEqual([funds.available, funds.locked], [5n, 2n]);
    const auths = escrow.decodeFunctionResult('getAuthorizations', ESCROW.encodeFunctionResult('getAuthorizations', [[[B, 10n, 4n, 3600n, 3n, 1n]]]))[0] as Array<Record<string, unknown>>;
    const [auth] = auths;
    assert.deepEqual(
      [auth?.payee, auth?.maxLockedAmount, auth?.currentLockedAmount, auth?.maxLockSeconds, auth?.maxLockCounts, auth?.currentLocks],
      [B, 10n, 4n, 3600n, 3n, 1n],
    );
    assert.deepEqual([...(escrow.decodeFunctionResult('getUserTokens', ESCROW.encodeFunctionResult('getUserTokens', [[A, C]]))[0] as string[])], [A, C]);
    const erc20 = new Interface(ERC20_ABI);
    assert.equal(erc20.decodeFunctionResult('decimals', ERC20_TEMPLATE.encodeFunctionResult('decimals', [6]))[0], 6n);
    assert.equal(erc20.decodeFunctionResult('symbol', ERC20_TEMPLATE.encodeFunctionResult('symbol', ['OCEAN']))[0], 'OCEAN');
    assert.equal(erc20.decodeFunctionResult('approve', ERC20_TEMPLATE.encodeFunctionResult('approve', [true]))[0], true);
  });
});
