// Checks that the npm tarball holds what Node-RED needs and nothing it should not.
import { execFileSync } from 'node:child_process';

const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
const files = report.files.map((f) => f.path);
const pkg = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { encoding: 'utf8' }));
const problems = [];
for (const [type, js] of Object.entries(pkg['node-red'].nodes)) {
  for (const file of [js, js.replace(/\.js$/, '.html'), js.replace(/[^/]+\.js$/, `locales/en-US/${type}.json`)]) {
    if (!files.includes(file)) problems.push(`missing ${file}`);
  }
}
if (!files.some((f) => f.startsWith('dist/nodes/icons/'))) problems.push('missing dist/nodes/icons/');
if (!files.some((f) => f.startsWith('examples/') && f.endsWith('.json'))) problems.push('missing examples/*.json');
// Example 08 needs FlowFuse Dashboard; users install it themselves, the package must not pull it in.
const runtime = { ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies };
for (const name of ['@flowfuse/node-red-dashboard', 'node-red']) {
  if (Object.hasOwn(runtime, name)) problems.push(`${name} must not be a runtime dependency`);
}
// Optional dependencies count: npm installs them with the package unless told not to.
const MAX_RUNTIME_DEPENDENCIES = 6;
if (Object.keys(runtime).length > MAX_RUNTIME_DEPENDENCIES) problems.push(`${Object.keys(runtime).length} runtime dependencies (${Object.keys(runtime).join(', ')}); at most ${MAX_RUNTIME_DEPENDENCIES}`);
// An optional dependency must be loaded on use only, so that an install without it still loads the nodes.
for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
  if (Object.hasOwn(pkg.dependencies ?? {}, name)) problems.push(`${name} is both a dependency and an optional one`);
}
for (const f of files) {
  if (/^(test|sandbox|src|scripts|bench|\.ci)\//.test(f) || f.endsWith('.map')) problems.push(`should not ship ${f}`);
}
if (problems.length > 0) {
  console.error(`npm pack check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`npm pack holds ${files.length} files, ${report.size} bytes packed: ok`);
