import type { TokenIssuer } from './auth/tokens';
import type { ChainLink } from './chain-link';
import type { DdoStore } from './ddo-store';
import type { JobStore } from './jobs/store';
import type { NonceStore } from './nonces';
import type { ResolvedOptions } from './options';

/** Shared state of one sandbox server, handed to the dialect's route handlers. */
export interface SandboxContext {
  options: ResolvedOptions;
  nonces: NonceStore;
  ddos: DdoStore;
  jobs: JobStore;
  tokens: TokenIssuer;
  /** Folder for job folders; removed when the sandbox closes. */
  workDir: string;
  /** Set when the sandbox was given a chain: payments are then checked and taken on it. */
  chain?: ChainLink;
}
