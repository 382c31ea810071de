import { Contract, Interface, ZeroAddress, type BaseWallet, type Log, type NonceManager } from 'ethers';
import { abi } from './artifacts';
import type { OceanContracts, TokenGrant } from './deploy';
import { managedSigner } from './rpc';
import { send } from './tx';
import { asAddress, sameAddress } from './values';

/** 1 datatoken in base units; an order takes exactly this much. */
export const ONE_DATATOKEN = 10n ** 18n;

const DEFAULT_CAP = 1_000_000n * ONE_DATATOKEN;

export interface PublishOptions {
  /** Used for both the data NFT and its datatoken. */
  name: string;
  symbol: string;
  /** Datatoken cap in base units; default 1,000,000 DT. */
  cap?: bigint;
  /** Datatokens minted by the publisher (the datatoken's minter) right after creation. */
  mintTo?: TokenGrant[];
}

export interface PublishedAsset {
  nftAddress: string;
  datatokenAddress: string;
  /** The createNftWithErc20 transaction. */
  txHash: string;
}

/**
 * Creates a data NFT with one ERC20Template datatoken through ERC721Factory.createNftWithErc20
 * (template index 1 for both; the publisher owns the NFT and is minter and payment collector).
 */
export async function publishDatatokenAsset(contracts: OceanContracts, publisher: BaseWallet, options: PublishOptions): Promise<PublishedAsset> {
  const signer = managedSigner(publisher);
  const factory = new Contract(contracts.nftFactory, abi('ERC721Factory'), signer);
  const nftData = { name: options.name, symbol: options.symbol, templateIndex: 1, tokenURI: '', transferable: true, owner: publisher.address };
  const datatokenData = {
    templateIndex: 1,
    strings: [options.name, options.symbol],
    // minter, paymentCollector, publishMarketFeeAddress, publishMarketFeeToken
    addresses: [publisher.address, publisher.address, ZeroAddress, ZeroAddress],
    // cap, publishMarketFeeAmount
    uints: [options.cap ?? DEFAULT_CAP, 0n],
    bytess: [],
  };
  const receipt = await send(factory, 'createNftWithErc20', [nftData, datatokenData], signer);
  const nftAddress = createdAddress(receipt.logs, contracts.nftFactory, 'NFTCreated');
  const datatokenAddress = createdAddress(receipt.logs, contracts.nftFactory, 'TokenCreated');

  await mintWith(signer, datatokenAddress, options.mintTo ?? []);
  return { nftAddress, datatokenAddress, txHash: receipt.hash };
}

/** Mints datatokens; `minter` must hold the minter role (the publisher of the sample assets does). */
export async function mintDatatokens(minter: BaseWallet, datatokenAddress: string, grants: TokenGrant[]): Promise<void> {
  await mintWith(managedSigner(minter), datatokenAddress, grants);
}

async function mintWith(signer: NonceManager, datatokenAddress: string, grants: TokenGrant[]): Promise<void> {
  const datatoken = new Contract(datatokenAddress, abi('ERC20Template'), signer);
  for (const grant of grants) {
    await send(datatoken, 'mint', [grant.address, grant.amount], signer);
  }
}

function createdAddress(logs: readonly Log[], factoryAddress: string, eventName: 'NFTCreated' | 'TokenCreated'): string {
  const factoryInterface = new Interface(abi('ERC721Factory'));
  for (const log of logs) {
    if (!sameAddress(log.address, factoryAddress)) continue;
    const parsed = factoryInterface.parseLog(log);
    if (parsed?.name === eventName) return asAddress(parsed.args.getValue('newTokenAddress'), `${eventName}.newTokenAddress`);
  }
  throw new Error(`createNftWithErc20 emitted no ${eventName} event`);
}
