import { invalidConfig } from './errors';

export interface ConnectionSettings {
  /** Root URL of the Ocean Node or Provider v2, without a trailing slash. */
  providerUrl: string;
  /** Root URL of the metadata service (Aquarius); Ocean Node serves it itself. */
  aquariusUrl: string;
  chainId: number;
  rpcUrl?: string;
}

export interface ConnectionInput {
  providerUrl?: unknown;
  aquariusUrl?: unknown;
  chainId?: unknown;
  rpcUrl?: unknown;
}

/** Validates what a user typed into the config node; every error names its field. */
export function parseConnectionSettings(input: ConnectionInput): ConnectionSettings {
  const providerExpected = 'the http(s) URL of an Ocean Node or Provider';
  const providerUrl = serviceRoot('providerUrl', input.providerUrl, HTTP, providerExpected);
  if (providerUrl === undefined) throw invalidConfig('providerUrl', providerExpected, input.providerUrl);
  const aquariusUrl = serviceRoot('aquariusUrl', input.aquariusUrl, HTTP, 'the http(s) URL of Aquarius, or nothing') ?? providerUrl;
  const rpcUrl = serviceRoot('rpcUrl', input.rpcUrl, [...HTTP, 'ws:', 'wss:'], 'the http(s) or ws(s) URL of a JSON-RPC endpoint, or nothing', false);
  const chainId = typeof input.chainId === 'string' ? Number(input.chainId.trim()) : input.chainId;
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId <= 0) {
    throw invalidConfig('chainId', 'a positive whole number such as 8996 or 137', input.chainId);
  }
  return { providerUrl, aquariusUrl, chainId, rpcUrl };
}

const HTTP = ['http:', 'https:'];

/**
 * Parses an optional URL field. Service URLs are cut to their root, as ocean.py does with a
 * service endpoint ("https://host/api/services/compute" becomes "https://host").
 */
function serviceRoot(field: string, value: unknown, protocols: string[], expected: string, cutApiPath = true): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') throw invalidConfig(field, expected, value);
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    throw invalidConfig(field, expected, value);
  }
  if (!protocols.includes(parsed.protocol)) throw invalidConfig(field, expected, value);
  if (parsed.username || parsed.password) throw invalidConfig(field, `${expected}, without a user name or password in it`, undefined, { hideValue: true });
  let path = parsed.pathname;
  if (cutApiPath) {
    const api = path.indexOf('/api');
    if (api >= 0) path = path.slice(0, api);
  }
  path = path.replace(/\/+$/, '');
  return `${parsed.origin}${path}${cutApiPath ? '' : parsed.search}`;
}
