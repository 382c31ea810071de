import type { TokenIssuer } from './auth/tokens';
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
}
