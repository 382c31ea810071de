import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeInitializer } from 'node-red';

const LOCALES = join(__dirname, '..', '..', 'nodes', 'locales', 'en-US');

type Catalog = { [key: string]: string | Catalog };

/** Every node's English catalog, as the package ships it, keyed by node type. */
function englishCatalog(): Catalog {
  const catalog: Catalog = {};
  for (const file of readdirSync(LOCALES).filter((name) => name.endsWith('.json'))) {
    Object.assign(catalog, JSON.parse(readFileSync(join(LOCALES, file), 'utf8')) as Catalog);
  }
  return catalog;
}

const CATALOG = englishCatalog();

function lookup(key: string): string | undefined {
  let entry: string | Catalog | undefined = CATALOG;
  for (const part of key.split('.')) entry = typeof entry === 'object' ? entry[part] : undefined;
  return typeof entry === 'string' ? entry : undefined;
}

/**
 * RED._ as Node-RED answers it from the package's catalogs: `__name__` replaced by its parameter,
 * `<key>_plural` when `count` is not 1. A key the catalog lacks comes out as "MISSING <key>", so an
 * assertion on the text names it.
 */
export function english(key: string, params: Record<string, unknown> = {}): string {
  const plural = params.count !== undefined && Number(params.count) !== 1 ? lookup(`${key}_plural`) : undefined;
  const text = plural ?? lookup(key);
  if (text === undefined) return `MISSING ${key}`;
  return text.replace(/__(\w+)__/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The nodes as Node-RED runs them with their catalogs: the test helper's RED._ gives back bare
 * keys, so texts with parameters (counts, job ids, error messages) would go unchecked.
 */
export function inEnglish(nodes: NodeInitializer[]): NodeInitializer[] {
  return nodes.map((init) => {
    const translated = (red: Parameters<NodeInitializer>[0]): ReturnType<NodeInitializer> => {
      (red as { _: typeof english })._ = english;
      return init(red);
    };
    return translated as NodeInitializer;
  });
}
