import { HDNodeWallet } from 'ethers';

/** The public anvil/hardhat test mnemonic: its keys are test material, never real funds. */
export const TEST_MNEMONIC = 'test test test test test test test test test test test junk';

export interface TestAccount {
  address: string;
  privateKey: string;
}

export function testAccount(index: number): TestAccount {
  const wallet = HDNodeWallet.fromPhrase(TEST_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return { address: wallet.address, privateKey: wallet.privateKey };
}
