import type { RunnerInputFile } from './runner/types';

/** What the sandbox knows about an asset beyond its public DDO: the plain files behind each service. */
export interface StoredAsset {
  ddo: Record<string, unknown>;
  /** Per service id, the files a job on that service gets (URLs on 127.0.0.1 or inline content). */
  files: Record<string, RunnerInputFile[]>;
}

/**
 * The sandbox's metadata store: what Aquarius (or an Ocean Node's indexer) would hold. Real
 * DDOs carry their files encrypted; the sandbox keeps them beside the DDO instead.
 */
export class DdoStore {
  private readonly assets = new Map<string, StoredAsset>();

  add(asset: StoredAsset): void {
    const id = asset.ddo.id;
    if (typeof id !== 'string') throw new Error('a DDO needs an id');
    this.assets.set(id, asset);
  }

  get(did: string): StoredAsset | undefined {
    return this.assets.get(did);
  }

  remove(did: string): void {
    this.assets.delete(did);
  }

  /** The service with `serviceId`, with its position (the order's serviceIndex). */
  service(did: string, serviceId: string): { service: Record<string, unknown>; index: number; files: RunnerInputFile[] } | undefined {
    const asset = this.assets.get(did);
    const services = Array.isArray(asset?.ddo.services) ? (asset.ddo.services as Array<Record<string, unknown>>) : [];
    const index = services.findIndex((s) => s.id === serviceId);
    if (!asset || index < 0) return undefined;
    return { service: services[index] as Record<string, unknown>, index, files: asset.files[serviceId] ?? [] };
  }
}
