import type { SpendingStore, SpentEntry } from '../ocean/payment/budget';
import { spendingDocument, spentEntries } from '../ocean/payment/spending-store';
import type { AsyncKeyValue } from './async-key-value';
import type { JobKeys } from './job-keys';

/** What a connection's paid jobs committed, under one key of a key-value (context) store. */
export class ContextSpendingStore implements SpendingStore {
  constructor(
    private readonly values: AsyncKeyValue,
    private readonly keys: JobKeys,
    private readonly where: string,
  ) {}

  async load(): Promise<SpentEntry[]> {
    const value = await this.values.get(this.keys.spending);
    return value === undefined ? [] : spentEntries(value, `${this.where} key ${this.keys.spending}`);
  }

  save(entries: SpentEntry[]): Promise<void> {
    return this.values.set(this.keys.spending, spendingDocument(entries));
  }
}
