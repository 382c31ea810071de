import { createHash } from 'node:crypto';
import { getAddress, hexlify, randomBytes } from 'ethers';
import type { StoredAsset } from './ddo-store';
import type { RunnerInputFile } from './runner/types';

/** Ocean's DID: "did:op:" + sha256 of the NFT address (checksummed) and the chain id. */
export function didFor(nftAddress: string, chainId: number): string {
  return `did:op:${createHash('sha256').update(getAddress(nftAddress) + String(chainId)).digest('hex')}`;
}

export interface AssetSpec {
  name: string;
  chainId: number;
  serviceEndpoint: string;
  /** On-chain addresses when published on the sandbox chain; random stand-ins otherwise. */
  nftAddress?: string;
  datatokenAddress?: string;
  owner?: string;
  files: RunnerInputFile[];
  credentials?: { allow?: Array<{ type: string; values: string[] }>; deny?: Array<{ type: string; values: string[] }> };
  nftState?: number;
  timeout?: number;
}

export interface DatasetSpec extends AssetSpec {
  allowRawAlgorithm?: boolean;
  trustedAlgorithms?: string[];
  trustedPublishers?: string[];
}

export interface AlgorithmSpec extends AssetSpec {
  container: { entrypoint: string; image: string; tag: string; checksum: string };
  language?: string;
}

const randomAddress = (): string => getAddress(hexlify(randomBytes(20)));

function base(spec: AssetSpec, type: 'dataset' | 'algorithm', service: Record<string, unknown>, algorithm?: Record<string, unknown>): StoredAsset {
  const nftAddress = spec.nftAddress ?? randomAddress();
  const datatokenAddress = spec.datatokenAddress ?? randomAddress();
  const id = didFor(nftAddress, spec.chainId);
  const owner = spec.owner ?? randomAddress();
  return {
    ddo: {
      '@context': ['https://w3id.org/did/v1'],
      id,
      version: '4.1.0',
      chainId: spec.chainId,
      nftAddress,
      metadata: {
        created: '2026-11-25T00:00:00Z',
        updated: '2026-11-25T00:00:00Z',
        type,
        name: spec.name,
        description: `${spec.name} (sandbox sample)`,
        author: 'ocean-c2d sandbox',
        license: 'CC0',
        ...(algorithm ? { algorithm } : {}),
      },
      services: [
        {
          id: `${type}-compute`,
          type: type === 'dataset' ? 'compute' : 'access',
          // Real DDOs carry their files encrypted for the provider; the sandbox keeps them beside the DDO.
          files: `0x${createHash('sha256').update(id).digest('hex')}`,
          datatokenAddress,
          serviceEndpoint: spec.serviceEndpoint,
          timeout: spec.timeout ?? 0,
          ...service,
        },
      ],
      credentials: spec.credentials ?? { allow: [], deny: [] },
      nft: { address: nftAddress, name: `${spec.name} NFT`, symbol: 'SBX-NFT', owner, state: spec.nftState ?? 0, created: '2026-11-25T00:00:00Z' },
      datatokens: [{ address: datatokenAddress, name: `${spec.name} DT`, symbol: 'SBX-DT', serviceId: `${type}-compute` }],
      event: { tx: `0x${'0'.repeat(64)}`, block: 0, from: owner, contract: nftAddress, datetime: '2026-11-25T00:00:00' },
      stats: { orders: 0, price: { value: 0 } },
      purgatory: { state: false },
    },
    files: { [`${type}-compute`]: spec.files },
  };
}

export function datasetAsset(spec: DatasetSpec): StoredAsset {
  return base(spec, 'dataset', {
    compute: {
      allowRawAlgorithm: spec.allowRawAlgorithm ?? true,
      allowNetworkAccess: false,
      publisherTrustedAlgorithms: (spec.trustedAlgorithms ?? []).map((did) => ({ did, filesChecksum: '*', containerSectionChecksum: '*' })),
      publisherTrustedAlgorithmPublishers: spec.trustedPublishers ?? [],
    },
  });
}

export function algorithmAsset(spec: AlgorithmSpec): StoredAsset {
  return base(spec, 'algorithm', {}, { language: spec.language ?? 'javascript', version: '1.0.0', container: spec.container });
}
