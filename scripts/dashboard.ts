/**
 * FlowFuse Dashboard, which example 08 needs: a devDependency of this project, never of the
 * package. npm start installs it into its Node-RED when the project has it.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const DASHBOARD_MODULE = '@flowfuse/node-red-dashboard';

export interface InstalledDashboard {
  dir: string;
  version: string;
}

/** The dashboard in this project's node_modules, or undefined when it is not installed. */
export function installedDashboard(): InstalledDashboard | undefined {
  let manifest: string;
  try {
    manifest = require.resolve(`${DASHBOARD_MODULE}/package.json`);
  } catch {
    return undefined;
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: dirname(manifest), version };
}

/** A flow needs the dashboard when it holds one of its nodes: their types all start with ui-. */
export function needsDashboard(nodes: ReadonlyArray<{ type: string }>): boolean {
  return nodes.some((node) => node.type.startsWith('ui-'));
}
