import type { Ddo, DdoService } from './ddo';
import { OceanError } from './errors';
import { isRecord } from './server-message';

/** ocean.py's ConsumableCodes. */
export const ConsumableCode = {
  OK: 0,
  ASSET_DISABLED: 1,
  CONNECTIVITY_FAIL: 2,
  CREDENTIAL_NOT_IN_ALLOW_LIST: 3,
  CREDENTIAL_IN_DENY_LIST: 4,
} as const;

export type ConsumableCodeName = keyof typeof ConsumableCode;

/** NFT states that still allow ordering: 0 active, 5 unlisted. */
const ORDERABLE_STATES = new Set([0, 5]);

/** The first `address` entry's values of a credentials list, lower-cased, as ocean.py reads them. */
function addressList(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const entry = list.find((item) => isRecord(item) && item.type === 'address');
  if (!isRecord(entry) || !Array.isArray(entry.values)) return [];
  return entry.values.filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase());
}

/**
 * ocean.py's `is_consumable` without the connectivity step (the client asks fileinfo for that):
 * disabled asset first, then the allow list, then the deny list (ignored when an allow list exists).
 */
export function consumableCode(ddo: Ddo, address: string): ConsumableCodeName {
  if (!ddo.metadata || (ddo.nftState !== undefined && !ORDERABLE_STATES.has(ddo.nftState))) return 'ASSET_DISABLED';
  const credentials = isRecord(ddo.credentials) ? ddo.credentials : {};
  const allow = addressList(credentials.allow);
  const deny = addressList(credentials.deny);
  const me = address.toLowerCase();
  if (allow.length > 0 && !allow.includes(me)) return 'CREDENTIAL_NOT_IN_ALLOW_LIST';
  if (allow.length === 0 && deny.includes(me)) return 'CREDENTIAL_IN_DENY_LIST';
  return 'OK';
}

const REASONS: Record<Exclude<ConsumableCodeName, 'OK'>, string> = {
  ASSET_DISABLED: 'the asset is disabled (its NFT state does not allow orders, or it was removed)',
  CONNECTIVITY_FAIL: 'the provider cannot reach any of its files',
  CREDENTIAL_NOT_IN_ALLOW_LIST: 'the wallet is not on its allow list',
  CREDENTIAL_IN_DENY_LIST: 'the wallet is on its deny list',
};

export function notConsumable(ddo: Ddo, code: Exclude<ConsumableCodeName, 'OK'>, field: string): OceanError {
  return new OceanError('NOT_CONSUMABLE', `${field}: ${ddo.id} cannot be used: ${REASONS[code]} (ocean.py code ${ConsumableCode[code]} ${code})`, {
    details: { field, did: ddo.id, consumableCode: ConsumableCode[code], rule: code },
  });
}

/** Throws NOT_CONSUMABLE naming the rule that failed; checks the service type too. */
export function assertConsumable(ddo: Ddo, service: DdoService, address: string, field: string, wantCompute: boolean): void {
  if (wantCompute && service.type !== 'compute') {
    throw new OceanError('NOT_CONSUMABLE', `${field}: service "${service.id}" of ${ddo.id} is of type ${service.type}, not compute`, {
      details: { field, did: ddo.id, rule: 'SERVICE_NOT_COMPUTE' },
    });
  }
  const code = consumableCode(ddo, address);
  if (code !== 'OK') throw notConsumable(ddo, code, field);
}
