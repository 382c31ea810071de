import type { SandboxContext } from '../context';
import { providerAllows } from '../credentials';
import type { StoredAsset } from '../ddo-store';
import type { RunnerInputFile } from '../runner/types';
import { Refusal } from './refusal';

type Body = Record<string, unknown>;

const CONSUMABLE_NAMES = { 3: 'CREDENTIAL_NOT_IN_ALLOW_LIST', 4: 'CREDENTIAL_IN_DENY_LIST' } as const;

/** The Provider's consumability refusal text (ocean.py's ConsumableCodes). */
export function accessDenied(did: string, code: 3 | 4): string {
  return `Error: Access to asset ${did} was denied with code: ConsumableCodes.${CONSUMABLE_NAMES[code]}.`;
}

export interface CheckedDataset {
  did: string;
  service: Body;
  /** The service's position in the DDO: the order's serviceIndex. */
  index: number;
  files: RunnerInputFile[];
}

/**
 * One dataset input as the Provider's InputItemValidator checks it before any order: the DID,
 * the service, its type (the main one must be compute) and the consumer's access.
 */
export function checkDataset(ctx: SandboxContext, entry: Body, owner: string, resource: string): CheckedDataset {
  const did = String(entry.documentId);
  const asset = ctx.ddos.get(did);
  if (!asset) throw new Refusal(400, { error: { [resource]: 'did_not_found' } });
  const stored = ctx.ddos.service(did, String(entry.serviceId));
  if (!stored) throw new Refusal(400, { error: { [`${resource}.serviceId`]: 'not_found' } });
  if (resource === 'dataset' && stored.service.type !== 'compute') throw new Refusal(400, { error: { [resource]: 'main_service_compute' } });
  if (!['compute', 'access'].includes(String(stored.service.type))) throw new Refusal(400, { error: { [resource]: 'service_not_access_compute' } });
  const code = providerAllows(asset.ddo.credentials, owner);
  if (code !== 0) throw new Refusal(400, { error: accessDenied(did, code) });
  return { did, service: stored.service, index: stored.index, files: stored.files };
}

/** A raw algorithm needs the dataset's `allowRawAlgorithm`. */
export function checkRawAllowed(compute: Body | undefined, resource: string): void {
  if (compute?.allowRawAlgorithm !== true) throw new Refusal(400, { error: { [resource]: 'no_raw_algo_allowed' } });
}

/** Provider v2's trust rule: any published algorithm when both lists are empty; else the DID, or the NFT owner, must be listed. */
export function checkTrusted(compute: Body | undefined, did: string, algorithm: StoredAsset, resource: string): void {
  const trusted = Array.isArray(compute?.publisherTrustedAlgorithms) ? (compute.publisherTrustedAlgorithms as Body[]) : [];
  const publishers = Array.isArray(compute?.publisherTrustedAlgorithmPublishers) ? (compute.publisherTrustedAlgorithmPublishers as string[]) : [];
  if (trusted.length > 0 && !trusted.some((t) => t.did === did)) throw new Refusal(400, { error: { [resource]: 'not_trusted_algo' } });
  if (trusted.length === 0 && publishers.length > 0) {
    const owner = String(((algorithm.ddo.nft ?? {}) as Body).owner ?? '').toLowerCase();
    if (!publishers.map((p) => p.toLowerCase()).includes(owner)) throw new Refusal(400, { error: { [resource]: 'not_trusted_algo_publisher' } });
  }
}

/** The `compute` options of a dataset's compute service. */
export function computeOptions(service: Body | undefined): Body | undefined {
  return service?.type === 'compute' ? (service.compute as Body | undefined) : undefined;
}
