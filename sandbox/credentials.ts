function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((entry): entry is { type: string; values: unknown[] } => typeof entry === 'object' && entry !== null && (entry as { type?: unknown }).type === 'address')
    .flatMap((entry) => (Array.isArray(entry.values) ? entry.values : []))
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.toLowerCase());
}

/** Ocean Node's credential rule: a deny match refuses first, then a non-empty allow list must match ("*" allows all). */
export function oceanNodeAllows(credentials: unknown, address: string): boolean {
  const record = typeof credentials === 'object' && credentials !== null ? (credentials as Record<string, unknown>) : {};
  const me = address.toLowerCase();
  const deny = addresses(record.deny);
  if (deny.includes(me) || deny.includes('*')) return false;
  const allow = addresses(record.allow);
  return allow.length === 0 || allow.includes(me) || allow.includes('*');
}

/** Provider v2 (ocean.py's rule): a non-empty allow list must match; else the deny list refuses. */
export function providerAllows(credentials: unknown, address: string): 3 | 4 | 0 {
  const record = typeof credentials === 'object' && credentials !== null ? (credentials as Record<string, unknown>) : {};
  const me = address.toLowerCase();
  const allow = addresses(record.allow);
  if (allow.length > 0) return allow.includes(me) ? 0 : 3;
  return addresses(record.deny).includes(me) ? 4 : 0;
}
