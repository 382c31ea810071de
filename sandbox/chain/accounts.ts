import { HDNodeWallet } from 'ethers';

/** anvil's default mnemonic. Its keys are public test material and never hold real funds. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

export interface ChainAccount {
  address: string;
  privateKey: string;
}

let derived: ChainAccount[] | undefined;

/** anvil's ten funded accounts (m/44'/60'/0'/0/0..9), each with 10000 ETH. */
export function anvilAccounts(): readonly ChainAccount[] {
  if (!derived) {
    const parent = HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, "m/44'/60'/0'/0");
    derived = Array.from({ length: 10 }, (_, index) => {
      const child = parent.deriveChild(index);
      return { address: child.address, privateKey: child.privateKey };
    });
  }
  return derived;
}

export function anvilAccount(index: number): ChainAccount {
  const account = anvilAccounts()[index];
  if (!account) throw new Error(`anvil has accounts 0-9, not ${index}`);
  return account;
}
