import type { DdoStore } from './ddo-store';
import { algorithmAsset, datasetAsset, type AlgorithmSpec } from './assets';

/** A day of readings from three sensors, as a dataset's file. */
export const SENSOR_READINGS_CSV = [
  'timestamp,sensor,value',
  ...Array.from({ length: 24 }, (_, hour) => {
    const time = `2026-11-24T${String(hour).padStart(2, '0')}:00:00Z`;
    return [
      `${time},temp-1,${(18 + 4 * Math.sin((hour / 24) * 2 * Math.PI)).toFixed(2)}`,
      `${time},temp-2,${(21 + 2 * Math.cos((hour / 24) * 2 * Math.PI)).toFixed(2)}`,
      `${time},humidity-1,${(55 + (hour % 7)).toFixed(2)}`,
    ].join('\n');
  }),
  '',
].join('\n');

/**
 * Reads every CSV line "timestamp,sensor,value" under the inputs and writes per-sensor count,
 * mean, min and max to outputs/stats.json. Sandbox algorithms find their data under
 * $OCEAN_C2D_DATA, a real container under /data.
 */
export const STATISTICS_ALGORITHM = `
const fs = require('fs');
const path = require('path');
const data = process.env.OCEAN_C2D_DATA || '/data';
const files = [];
const walk = (dir) => { for (const e of fs.readdirSync(dir, { withFileTypes: true })) { const p = path.join(dir, e.name); if (e.isDirectory()) walk(p); else if (e.name !== 'algoCustomData.json') files.push(p); } };
walk(path.join(data, 'inputs'));
let custom = {};
try { custom = JSON.parse(fs.readFileSync(path.join(data, 'inputs', 'algoCustomData.json'), 'utf8')); } catch (e) {}
const stats = {};
for (const file of files) {
  for (const line of fs.readFileSync(file, 'utf8').split('\\n')) {
    const [time, sensor, raw] = line.split(',');
    const value = Number(raw);
    if (!sensor || !Number.isFinite(value) || (custom.sensor && custom.sensor !== sensor)) continue;
    const s = stats[sensor] || (stats[sensor] = { count: 0, sum: 0, min: Infinity, max: -Infinity });
    s.count++; s.sum += value; s.min = Math.min(s.min, value); s.max = Math.max(s.max, value);
  }
}
const result = {};
for (const [sensor, s] of Object.entries(stats)) result[sensor] = { count: s.count, mean: Number((s.sum / s.count).toFixed(3)), min: s.min, max: s.max };
fs.mkdirSync(path.join(data, 'outputs'), { recursive: true });
fs.writeFileSync(path.join(data, 'outputs', 'stats.json'), JSON.stringify({ files: files.length, sensors: result }, null, 2));
console.log('statistics of ' + Object.keys(result).length + ' sensors from ' + files.length + ' file(s)');
`;

/** Prints a tick every 200 ms for `seconds` (algoCustomData, default 60): a job to stop. */
export const LONG_RUNNING_ALGORITHM = `
const fs = require('fs');
const path = require('path');
const data = process.env.OCEAN_C2D_DATA || '/data';
let custom = {};
try { custom = JSON.parse(fs.readFileSync(path.join(data, 'inputs', 'algoCustomData.json'), 'utf8')); } catch (e) {}
const end = Date.now() + 1000 * (custom.seconds || 60);
let ticks = 0;
const timer = setInterval(() => {
  ticks++;
  console.log('tick ' + ticks);
  fs.writeFileSync(path.join(data, 'outputs', 'ticks.txt'), String(ticks));
  if (Date.now() >= end) { clearInterval(timer); console.log('done'); }
}, 200);
`;

export const NODE_CONTAINER = { entrypoint: 'node $ALGO', image: 'node', tag: '20-alpine', checksum: 'sha256:1c5f9fcbd1e5d2c1b6a37e1f8c1c0b5a7f2fd50b0a3e8e1e7c3f5d4b2a190e77' };

export interface SampleAssets {
  dataset: string;
  statistics: string;
  longRunning: string;
}

export interface SampleOptions {
  chainId: number;
  serviceEndpoint: string;
  /** On-chain addresses when the samples are published on the sandbox chain. */
  onChain?: { dataset: { nft: string; datatoken: string }; statistics: { nft: string; datatoken: string }; longRunning: { nft: string; datatoken: string }; publisher: string };
}

/** Puts the sample dataset and algorithms into a sandbox's metadata store; the dataset trusts both algorithms. */
export function addSampleAssets(store: DdoStore, options: SampleOptions): SampleAssets {
  const common = { chainId: options.chainId, serviceEndpoint: options.serviceEndpoint, owner: options.onChain?.publisher };
  const algorithm = (name: string, code: string, key: 'statistics' | 'longRunning'): string => {
    const spec: AlgorithmSpec = {
      ...common,
      name,
      nftAddress: options.onChain?.[key].nft,
      datatokenAddress: options.onChain?.[key].datatoken,
      container: NODE_CONTAINER,
      files: [{ content: code }],
    };
    const asset = algorithmAsset(spec);
    store.add(asset);
    return String(asset.ddo.id);
  };
  const statistics = algorithm('Sensor statistics', STATISTICS_ALGORITHM, 'statistics');
  const longRunning = algorithm('Long-running ticker', LONG_RUNNING_ALGORITHM, 'longRunning');
  const dataset = datasetAsset({
    ...common,
    name: 'Sensor readings',
    nftAddress: options.onChain?.dataset.nft,
    datatokenAddress: options.onChain?.dataset.datatoken,
    files: [{ content: SENSOR_READINGS_CSV }],
    trustedAlgorithms: [statistics, longRunning],
  });
  store.add(dataset);
  return { dataset: String(dataset.ddo.id), statistics, longRunning };
}
