/**
 * Nonces per exact address string (both servers are case-sensitive here), with each dialect's
 * acceptance rule: Ocean Node wants strictly greater, Provider v2 rejects only smaller.
 */
export class NonceStore {
  private readonly stored = new Map<string, bigint>();

  constructor(private readonly rule: 'strictly-greater' | 'not-smaller') {}

  /** The stored nonce, creating the record with `initial` as both servers do on first ask. */
  current(address: string, initial: bigint): bigint {
    let value = this.stored.get(address);
    if (value === undefined) {
      value = initial;
      this.stored.set(address, value);
    }
    return value;
  }

  peek(address: string): bigint | undefined {
    return this.stored.get(address);
  }

  accepts(address: string, nonce: bigint): boolean {
    const stored = this.stored.get(address) ?? 0n;
    return this.rule === 'strictly-greater' ? nonce > stored : nonce >= stored;
  }

  /** Records a used nonce; the last write wins, as on the real node. */
  use(address: string, nonce: bigint): void {
    this.stored.set(address, nonce);
  }
}
