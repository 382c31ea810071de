import type { NonceStore } from './nonces';
import type { ResolvedOptions } from './options';

/** Shared state of one sandbox server, handed to the dialect's route handlers. */
export interface SandboxContext {
  options: ResolvedOptions;
  nonces: NonceStore;
}
