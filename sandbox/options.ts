import { Wallet } from 'ethers';
import type { RunnerJob, RunnerJobSpec } from './runner/types';

export type SandboxDialect = 'ocean-node' | 'provider-v2';

/** One compute environment the sandbox offers, described once and rendered per dialect. */
export interface EnvironmentSpec {
  name: string;
  description: string;
  cpu: number;
  ram: number;
  disk: number;
  gpu?: number;
  /** Fee token and price of one CPU per minute, in token units. */
  feeToken: string;
  cpuPricePerMinute: number;
  /** Provider v2's `priceMin`, as a string when the operator set it from an env var. */
  v2PriceMin?: number | string;
  maxJobs: number;
  minJobDuration: number;
  maxJobDuration: number;
  storageExpiry: number;
  free?: { maxJobs: number; cpu: number; ram: number; disk: number; minJobDuration: number; maxJobDuration: number };
}

/** A chain the sandbox checks and takes payments on, as the real servers do. */
export interface SandboxChainOptions {
  rpcUrl: string;
  /** Ocean's Escrow contract there (Ocean Node paid jobs lock their price in it). */
  escrowAddress: string;
}

export interface SandboxOptions {
  dialect: SandboxDialect;
  /** 0 (the default) takes a free port; the sandbox only ever binds 127.0.0.1. */
  port?: number;
  chainId?: number;
  /** The node's / Provider's own key: its address is the provider and payee address. */
  providerPrivateKey?: string;
  /** Requests per minute per client (Ocean Node's default is 30); 0 turns the limit off. */
  rateLimitPerMinute?: number;
  environments?: EnvironmentSpec[];
  /** The "registry": image:tag names a start may use; any image when left out. */
  images?: string[];
  /** Parent folder of the sandbox's job folders (default: the OS temp folder). */
  workDir?: string;
  /**
   * With a chain, orders, provider fees and (Ocean Node) escrow locks are checked and taken on it;
   * without one, order transactions are accepted by their format and paid jobs lock nothing.
   */
  chain?: SandboxChainOptions;
  /**
   * How a started job runs: by default its algorithm runs as a local process. `HeldJobs` runs
   * nothing and keeps each job running until told, for thousands of jobs at once.
   */
  runner?: (spec: RunnerJobSpec) => RunnerJob;
}

/** anvil/hardhat test account #3, the key the recorded Ocean Node ran with. Public test material. */
export const DEFAULT_PROVIDER_KEY = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
/** The OCEAN token's address when the Ocean contracts are the first deployment on a fresh anvil. */
export const DEFAULT_FEE_TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
/** Where the same deployment puts Escrow (anvil #0's nonce 13); the recorded node used it too. */
export const DEFAULT_ESCROW_ADDRESS = '0x0DCd1Bf9A1b36cE34237eEaFef220932846BCD82';

export const DEFAULT_ENVIRONMENTS: EnvironmentSpec[] = [
  {
    name: 'standard',
    description: 'sandbox env',
    cpu: 2,
    ram: 2,
    disk: 2,
    feeToken: DEFAULT_FEE_TOKEN,
    cpuPricePerMinute: 1,
    v2PriceMin: 0,
    maxJobs: 10,
    minJobDuration: 10,
    maxJobDuration: 3600,
    storageExpiry: 604800,
    free: { maxJobs: 3, cpu: 1, ram: 1, disk: 1, minJobDuration: 1, maxJobDuration: 120 },
  },
  {
    name: 'gpu',
    description: 'sandbox gpu env',
    cpu: 8,
    ram: 32,
    disk: 100,
    gpu: 1,
    feeToken: DEFAULT_FEE_TOKEN,
    cpuPricePerMinute: 2,
    v2PriceMin: '0.5',
    maxJobs: 4,
    minJobDuration: 60,
    maxJobDuration: 7200,
    storageExpiry: 604800,
  },
];

export interface ResolvedOptions {
  dialect: SandboxDialect;
  port: number;
  chainId: number;
  provider: Wallet;
  rateLimitPerMinute: number;
  environments: EnvironmentSpec[];
  images?: string[];
  chain?: SandboxChainOptions;
  runner?: (spec: RunnerJobSpec) => RunnerJob;
}

export function resolveOptions(options: SandboxOptions): ResolvedOptions {
  return {
    dialect: options.dialect,
    port: options.port ?? 0,
    chainId: options.chainId ?? 8996,
    provider: new Wallet(options.providerPrivateKey ?? DEFAULT_PROVIDER_KEY),
    rateLimitPerMinute: options.rateLimitPerMinute ?? (options.dialect === 'ocean-node' ? 30 : 0),
    environments: options.environments ?? DEFAULT_ENVIRONMENTS,
    images: options.images,
    chain: options.chain,
    runner: options.runner,
  };
}
