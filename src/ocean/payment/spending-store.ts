import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../store/atomic-file';
import type { SpendingStore, SpentEntry } from './budget';

/** What a connection's paid jobs committed, in one JSON file (written atomically, owner-only). */
export class FileSpendingStore implements SpendingStore {
  constructor(readonly path: string) {}

  async load(): Promise<SpentEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return spentEntries(JSON.parse(text) as unknown, this.path);
  }

  save(entries: SpentEntry[]): Promise<void> {
    return writeFileAtomic(this.path, `${JSON.stringify(spendingDocument(entries))}\n`);
  }
}

/** How every store keeps the entries: `{ version: 1, entries: [...] }`. */
export function spendingDocument(entries: SpentEntry[]): { version: 1; entries: SpentEntry[] } {
  return { version: 1, entries };
}

/** The valid entries of a spending document; `where` names it when it holds no list. */
export function spentEntries(document: unknown, where: string): SpentEntry[] {
  const entries = (document as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) throw new Error(`${where} holds no list of entries`);
  return entries.filter(isEntry);
}

function isEntry(value: unknown): value is SpentEntry {
  const e = value as Partial<SpentEntry>;
  return typeof e?.at === 'number' && typeof e.token === 'string' && typeof e.amount === 'string' && /^\d+$/.test(e.amount) && typeof e.job === 'string';
}
