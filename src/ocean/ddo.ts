import { OceanError } from './errors';
import type { HttpClient } from './http';
import { lenientNumber } from './environments';
import { isRecord } from './server-message';

export interface DdoService {
  id: string;
  type: string;
  /** Position in the DDO's services: the `serviceIndex` of orders. */
  index: number;
  datatokenAddress?: string;
  serviceEndpoint?: string;
  /** Seconds an order stays valid; 0 means forever. */
  timeout?: number;
  compute?: Record<string, unknown>;
  credentials?: unknown;
  raw: Record<string, unknown>;
}

/** A DDO reduced to what compute needs, from v4 (Aquarius or Ocean Node) or v5 (`credentialSubject`) shapes. */
export interface Ddo {
  id: string;
  chainId?: number;
  nftAddress?: string;
  /** Aquarius soft-deletes assets by dropping `metadata`: then the asset counts as disabled. */
  metadata?: Record<string, unknown>;
  services: DdoService[];
  credentials?: unknown;
  /** NFT state (0 active, 5 unlisted...), from `nft` or `indexedMetadata.nft`. */
  nftState?: number;
  raw: Record<string, unknown>;
}

export function normalizeDdo(raw: Record<string, unknown>): Ddo {
  const content = isRecord(raw.credentialSubject) ? raw.credentialSubject : raw;
  const indexed = isRecord(content.indexedMetadata) ? content.indexedMetadata : isRecord(raw.indexedMetadata) ? raw.indexedMetadata : {};
  const nft = isRecord(content.nft) ? content.nft : isRecord(indexed.nft) ? indexed.nft : undefined;
  const services = Array.isArray(content.services) ? content.services.filter(isRecord) : [];
  return {
    id: String(raw.id ?? content.id ?? ''),
    chainId: lenientNumber(content.chainId),
    nftAddress: typeof content.nftAddress === 'string' ? content.nftAddress : undefined,
    metadata: isRecord(content.metadata) ? content.metadata : undefined,
    services: services.map((service, index) => ({
      id: String(service.id ?? ''),
      type: String(service.type ?? ''),
      index,
      datatokenAddress: typeof service.datatokenAddress === 'string' ? service.datatokenAddress : undefined,
      serviceEndpoint: typeof service.serviceEndpoint === 'string' ? service.serviceEndpoint : undefined,
      timeout: lenientNumber(service.timeout),
      compute: isRecord(service.compute) ? service.compute : undefined,
      credentials: service.credentials,
      raw: service,
    })),
    credentials: content.credentials,
    nftState: nft ? lenientNumber(nft.state) : undefined,
    raw,
  };
}

export function serviceById(ddo: Ddo, serviceId: string, field: string): DdoService {
  const service = ddo.services.find((s) => s.id === serviceId);
  if (!service) {
    const known = ddo.services.map((s) => `"${s.id}" (${s.type})`).join(', ') || 'none';
    throw new OceanError('INVALID_INPUT', `${field}: ${ddo.id} has no service "${serviceId}"; its services are ${known}`, { details: { field } });
  }
  return service;
}

interface CacheEntry {
  ddo: Promise<Ddo>;
  expires: number;
}

/** Resolves DDOs from Aquarius (or an Ocean Node's Aquarius routes), with a small time-limited cache. */
export class DdoResolver {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly http: HttpClient,
    private readonly aquariusUrl: string,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 200,
    private readonly clock: () => number = Date.now,
  ) {}

  resolve(did: string, signal?: AbortSignal): Promise<Ddo> {
    const now = this.clock();
    const cached = this.cache.get(did);
    if (cached && cached.expires > now) return cached.ddo;
    const ddo = this.fetch(did, signal);
    this.cache.set(did, { ddo, expires: now + this.ttlMs });
    ddo.catch(() => this.cache.delete(did));
    if (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return ddo;
  }

  private async fetch(did: string, signal?: AbortSignal): Promise<Ddo> {
    const url = `${this.aquariusUrl}/api/aquarius/assets/ddo/${encodeURIComponent(did)}`;
    let body: unknown;
    try {
      body = await this.http.json({ operation: `resolve ${did}`, method: 'GET', url, signal, idempotent: true });
    } catch (error) {
      if (error instanceof OceanError && (error.code === 'NOT_FOUND' || (error.code === 'REQUEST_REJECTED' && error.httpStatus === 400))) {
        throw new OceanError('DDO_NOT_FOUND', `DDO ${did} not found at ${this.aquariusUrl}: check the DID and that the metadata service indexes this chain`, {
          httpStatus: error.httpStatus,
          details: { did },
        });
      }
      throw error;
    }
    if (!isRecord(body)) throw new OceanError('BAD_RESPONSE', `The metadata service answered ${did} with something that is not a DDO`);
    return normalizeDdo(body);
  }
}
