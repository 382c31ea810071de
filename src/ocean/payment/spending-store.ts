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
    const parsed = JSON.parse(text) as { entries?: unknown };
    if (!Array.isArray(parsed.entries)) throw new Error(`${this.path} holds no list of entries`);
    return parsed.entries.filter(isEntry);
  }

  save(entries: SpentEntry[]): Promise<void> {
    return writeFileAtomic(this.path, `${JSON.stringify({ version: 1, entries })}\n`);
  }
}

function isEntry(value: unknown): value is SpentEntry {
  const e = value as Partial<SpentEntry>;
  return typeof e?.at === 'number' && typeof e.token === 'string' && typeof e.amount === 'string' && /^\d+$/.test(e.amount) && typeof e.job === 'string';
}
