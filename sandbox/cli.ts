import { startSandbox } from './server';
import type { SandboxDialect } from './options';

/**
 * Runs one sandbox server (without a chain) until Ctrl-C:
 * `tsx sandbox/cli.ts [ocean-node|provider-v2] [port]`; SANDBOX_RATE_LIMIT sets requests per minute (0: none).
 */
async function main(): Promise<void> {
  const dialect = (process.argv[2] ?? 'ocean-node') as SandboxDialect;
  if (dialect !== 'ocean-node' && dialect !== 'provider-v2') throw new Error('dialect must be ocean-node or provider-v2');
  const port = Number(process.argv[3] ?? 0);
  const limit = process.env.SANDBOX_RATE_LIMIT;
  const sandbox = await startSandbox({ dialect, port, rateLimitPerMinute: limit === undefined ? undefined : Number(limit) });
  process.stdout.write(`sandbox (${dialect}) listening on ${sandbox.url}\n`);
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
