import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InterfaceAbi } from 'ethers';

/** A Hardhat artifact from `@oceanprotocol/contracts`: ABI and creation bytecode (no link references). */
export interface Artifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
}

const ARTIFACT_PATHS = {
  OceanToken: 'utils/OceanToken.sol/OceanToken.json',
  OPFCommunityFeeCollector: 'communityFee/OPFCommunityFeeCollector.sol/OPFCommunityFeeCollector.json',
  FactoryRouter: 'pools/FactoryRouter.sol/FactoryRouter.json',
  FixedRateExchange: 'pools/fixedRate/FixedRateExchange.sol/FixedRateExchange.json',
  Dispenser: 'pools/dispenser/Dispenser.sol/Dispenser.json',
  ERC20Template: 'templates/ERC20Template.sol/ERC20Template.json',
  ERC20TemplateEnterprise: 'templates/ERC20TemplateEnterprise.sol/ERC20TemplateEnterprise.json',
  ERC721Template: 'templates/ERC721Template.sol/ERC721Template.json',
  ERC721Factory: 'ERC721Factory.sol/ERC721Factory.json',
  Escrow: 'escrow/Escrow.sol/Escrow.json',
} as const;

export type ContractName = keyof typeof ARTIFACT_PATHS;

const cache = new Map<ContractName, Artifact>();

export function artifact(name: ContractName): Artifact {
  let found = cache.get(name);
  if (!found) {
    const root = join(dirname(require.resolve('@oceanprotocol/contracts/package.json')), 'artifacts', 'contracts');
    const parsed = JSON.parse(readFileSync(join(root, ARTIFACT_PATHS[name]), 'utf8')) as Partial<Artifact>;
    if (!Array.isArray(parsed.abi) || typeof parsed.bytecode !== 'string' || !parsed.bytecode.startsWith('0x')) {
      throw new Error(`@oceanprotocol/contracts artifact for ${name} has no abi or bytecode`);
    }
    found = { contractName: name, abi: parsed.abi, bytecode: parsed.bytecode };
    cache.set(name, found);
  }
  return found;
}

export function abi(name: ContractName): InterfaceAbi {
  return artifact(name).abi;
}
