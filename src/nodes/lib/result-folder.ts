import { mkdir, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { NodeAPI } from 'node-red';
import { invalidInput } from '../../ocean/errors';

/** Where result files may go: the default folder, and folders no result may ever land in. */
export interface ResultFolderRules {
  /** `oceanC2dResultsFolder` in settings.js, else `ocean-c2d-results` in the user directory. */
  root: string;
  /** Node-RED loads code from these: `<userDir>/nodes` and `<userDir>/node_modules`. */
  forbidden: string[];
}

export function resultFolderRules(RED: NodeAPI): ResultFolderRules {
  const userDir = String((RED.settings as { userDir?: unknown }).userDir ?? tmpdir());
  const configured = (RED.settings as { oceanC2dResultsFolder?: unknown }).oceanC2dResultsFolder;
  const root = typeof configured === 'string' && configured.trim() !== '' ? resolve(userDir, configured.trim()) : join(userDir, 'ocean-c2d-results');
  return { root, forbidden: [join(userDir, 'nodes'), join(userDir, 'node_modules')] };
}

const inside = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
};

/**
 * The folder a compute-result node writes into, created if missing. `base` is the node's own
 * Folder (set in the dialog; relative to the default folder, or absolute); `sub` an optional
 * sub-folder, possibly from a message, which must stay inside the base, links resolved. No
 * result goes where Node-RED loads code from.
 */
export async function prepareResultFolder(rules: ResultFolderRules, base: string | undefined, sub: string | undefined): Promise<string> {
  const baseFolder = base ? resolve(rules.root, base) : rules.root;
  let target = baseFolder;
  if (sub) {
    if (sub.includes('\0') || isAbsolute(sub) || /^[a-zA-Z]:/.test(sub)) throw invalidInput('subfolder', `a folder inside ${baseFolder}`, sub);
    target = resolve(baseFolder, sub);
    if (!inside(baseFolder, target)) throw invalidInput('subfolder', `a folder inside ${baseFolder}`, sub);
  }
  const refuseCodeFolders = async (path: string): Promise<void> => {
    for (const folder of rules.forbidden) {
      const real = await realpath(folder).catch(() => folder);
      if (inside(folder, path) || inside(real, path)) throw invalidInput(sub ? 'subfolder' : 'folder', `a folder outside ${folder}, where Node-RED loads code from`, sub ?? base);
    }
  };
  await refuseCodeFolders(target);
  await mkdir(target, { recursive: true });
  const [realBase, realTarget] = await Promise.all([realpath(baseFolder), realpath(target)]);
  if (!inside(realBase, realTarget)) throw invalidInput('subfolder', `a folder inside ${baseFolder} (it leads elsewhere through a link)`, sub);
  await refuseCodeFolders(realTarget);
  return target;
}
