import { Contract, Wallet, ZeroAddress, getCreateAddress, type BaseWallet } from 'ethers';
import { anvilAccount } from './accounts';
import { abi } from './artifacts';
import { managedSigner, openProvider } from './rpc';
import { deploy, send } from './tx';
import { sameAddress } from './values';

/** Where OceanToken lands when anvil account #0 deploys it as its first transaction (nonce 0). */
export const OCEAN_TOKEN_ADDRESS = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

/** FactoryRouter wants a pool template; compute and orders never touch pools. */
const NO_POOL_TEMPLATE = '0x000000000000000000000000000000000000dEaD';

export interface OceanContracts {
  oceanToken: string;
  opfCollector: string;
  router: string;
  fixedRateExchange: string;
  dispenser: string;
  erc20Template: string;
  erc20TemplateEnterprise: string;
  erc721Template: string;
  nftFactory: string;
  escrow: string;
}

export interface TokenGrant {
  address: string;
  /** In base units (1 token = 10n ** 18n). */
  amount: bigint;
}

export interface DeployOceanOptions {
  /** OCEAN minted by the deployer (OceanToken's owner) after deployment. */
  mintOcean?: TokenGrant[];
}

/**
 * Deploys the minimal Ocean contract set in the upstream development order and wires it up.
 * Deployed by anvil account #0, OceanToken must be its first transaction so that OCEAN sits at
 * OCEAN_TOKEN_ADDRESS, the fee token the sandbox's environments name; that is checked.
 */
export async function deployOcean(rpcUrl: string, deployer: BaseWallet | string, options: DeployOceanOptions = {}): Promise<OceanContracts> {
  const provider = await openProvider(rpcUrl);
  try {
    const wallet = new Wallet(typeof deployer === 'string' ? deployer : deployer.privateKey, provider);
    const signer = managedSigner(wallet);
    const owner = wallet.address;
    const firstNonce = await provider.getTransactionCount(owner, 'pending');
    const isAnvilZero = sameAddress(owner, anvilAccount(0).address);
    if (isAnvilZero && firstNonce !== 0) {
      throw new Error(`deployOcean needs a fresh chain: anvil account #0 has already sent ${firstNonce} transaction(s), so OCEAN would not land at ${OCEAN_TOKEN_ADDRESS}`);
    }

    const oceanToken = await deploy('OceanToken', [owner], signer);
    const expected = isAnvilZero ? OCEAN_TOKEN_ADDRESS : getCreateAddress({ from: owner, nonce: firstNonce });
    if (!sameAddress(oceanToken, expected)) throw new Error(`OceanToken was deployed at ${oceanToken}, expected ${expected}`);

    const opfCollector = await deploy('OPFCommunityFeeCollector', [owner, owner], signer);
    const router = await deploy('FactoryRouter', [owner, oceanToken, NO_POOL_TEMPLATE, opfCollector, []], signer);
    const fixedRateExchange = await deploy('FixedRateExchange', [router], signer);
    const dispenser = await deploy('Dispenser', [router], signer);
    const erc20Template = await deploy('ERC20Template', [], signer);
    const erc20TemplateEnterprise = await deploy('ERC20TemplateEnterprise', [], signer);
    const erc721Template = await deploy('ERC721Template', [], signer);
    const nftFactory = await deploy('ERC721Factory', [erc721Template, erc20Template, router], signer);

    const factory = new Contract(nftFactory, abi('ERC721Factory'), signer);
    const routerContract = new Contract(router, abi('FactoryRouter'), signer);
    await send(factory, 'addTokenTemplate', [erc20TemplateEnterprise], signer);
    await send(routerContract, 'addFactory', [nftFactory], signer);
    await send(routerContract, 'addFixedRateContract', [fixedRateExchange], signer);
    await send(routerContract, 'addDispenserContract', [dispenser], signer);
    const escrow = await deploy('Escrow', [router, ZeroAddress], signer);

    const ocean = new Contract(oceanToken, abi('OceanToken'), signer);
    for (const grant of options.mintOcean ?? []) {
      await send(ocean, 'mint', [grant.address, grant.amount], signer);
    }

    return { oceanToken, opfCollector, router, fixedRateExchange, dispenser, erc20Template, erc20TemplateEnterprise, erc721Template, nftFactory, escrow };
  } finally {
    provider.destroy();
  }
}
