import { bootstrapChain, type BootstrappedChain } from '../../sandbox/chain';

let booting: Promise<BootstrappedChain> | undefined;

/**
 * One bootstrapped chain per mocha process, started by the first caller and shared by every spec.
 * Specs must not close it; transactions they send stay on it, so assert on deltas or on accounts
 * and assets of their own.
 */
export function sharedChain(): Promise<BootstrappedChain> {
  booting ??= bootstrapChain().catch((error: unknown) => {
    booting = undefined; // let a later spec try again
    throw error;
  });
  return booting;
}

/** Stops the shared chain, if one was started; the next sharedChain() boots a new one. */
export async function closeSharedChain(): Promise<void> {
  const current = booting;
  booting = undefined;
  const chain = await current?.catch(() => undefined);
  await chain?.close();
}

// Spec files are loaded outside any describe(), so an after() run while one of them imports this
// module becomes a root hook: it runs once, after all specs, without a .mocharc.json change.
// Should it not run (a crash, or use outside mocha), the chain module kills anvil on process exit.
if (typeof after === 'function') after('close the shared chain', closeSharedChain);
