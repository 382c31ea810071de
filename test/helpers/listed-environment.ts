import { OceanClient, type ComputeEnvironment } from '../../src/ocean';

/** The environment a backend lists that `pick` chooses (the first by default), asked for by a client of its own. */
export async function listedEnvironment(providerUrl: string, chainId: number, pick: (env: ComputeEnvironment) => boolean = () => true): Promise<ComputeEnvironment> {
  const probe = new OceanClient({ providerUrl, chainId });
  try {
    const found = (await probe.environments()).find(pick);
    if (!found) throw new Error(`${providerUrl} lists no environment that the test can use`);
    return found;
  } finally {
    probe.close();
  }
}
