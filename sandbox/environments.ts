import { createHash } from 'node:crypto';
import type { EnvironmentSpec } from './options';

function sha256Hex(text: string): string {
  return `0x${createHash('sha256').update(text).digest('hex')}`;
}

/** Ocean Node ids are "<clusterHash>-<envHash>"; job ids share the cluster hash as prefix. */
export const CLUSTER_HASH = sha256Hex('ocean-c2d-sandbox-cluster');

export function oceanNodeEnvironmentId(spec: EnvironmentSpec): string {
  return `${CLUSTER_HASH}-${sha256Hex(`env:${spec.name}`)}`;
}

export function findEnvironment(specs: EnvironmentSpec[], id: string): EnvironmentSpec | undefined {
  return specs.find((spec) => oceanNodeEnvironmentId(spec) === id);
}

export interface Usage {
  runningJobs: number;
  runningFreeJobs: number;
  cpuInUse: number;
  ramInUse: number;
  diskInUse: number;
}

export const NO_USAGE: Usage = { runningJobs: 0, runningFreeJobs: 0, cpuInUse: 0, ramInUse: 0, diskInUse: 0 };

/** The environment in the shape and key order a real Ocean Node v3.1 answers. */
export function renderOceanNodeEnvironment(spec: EnvironmentSpec, chainId: number, payee: string, usage: Usage = NO_USAGE): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [
    { id: 'cpu', type: 'cpu', total: spec.cpu, max: spec.cpu, min: 1, description: 'sandbox cpu', inUse: usage.cpuInUse },
    { id: 'ram', type: 'ram', total: spec.ram, max: spec.ram, min: 1, inUse: usage.ramInUse },
    { id: 'disk', type: 'disk', total: spec.disk, max: spec.disk, min: 0, inUse: usage.diskInUse },
  ];
  if (spec.gpu) resources.push({ id: 'gpu0', type: 'gpu', total: spec.gpu, max: spec.gpu, min: 0, description: 'sandbox gpu', inUse: 0 });
  const env: Record<string, unknown> = {
    id: oceanNodeEnvironmentId(spec),
    runningJobs: usage.runningJobs,
    consumerAddress: payee,
    platform: { architecture: 'x86_64', os: 'linux' },
    access: { addresses: [], accessLists: null },
    fees: { [String(chainId)]: [{ feeToken: spec.feeToken, prices: [{ id: 'cpu', price: spec.cpuPricePerMinute }] }] },
    resources,
    queuedJobs: 0,
    queuedFreeJobs: 0,
    queMaxWaitTime: 0,
    queMaxWaitTimeFree: 0,
    runMaxWaitTime: 0,
    runMaxWaitTimeFree: 0,
    storageExpiry: spec.storageExpiry,
    minJobDuration: spec.minJobDuration,
    maxJobDuration: spec.maxJobDuration,
    description: spec.description,
  };
  if (spec.free) {
    env.free = {
      access: { addresses: [], accessLists: null },
      minJobDuration: spec.free.minJobDuration,
      maxJobDuration: spec.free.maxJobDuration,
      maxJobs: spec.free.maxJobs,
      resources: [
        { id: 'cpu', max: spec.free.cpu, inUse: usage.cpuInUse },
        { id: 'ram', max: spec.free.ram, inUse: usage.ramInUse },
        { id: 'disk', max: spec.free.disk, inUse: usage.diskInUse },
      ],
    };
  }
  env.runningfreeJobs = usage.runningFreeJobs;
  return env;
}

/** The environment as a Provider v2 relays it from operator-service (numbers may be strings). */
export function renderProviderV2Environment(spec: EnvironmentSpec, consumerAddress: string, usage: Usage = NO_USAGE): Record<string, unknown> {
  return {
    id: `ocean-compute-${spec.name}`,
    consumerAddress,
    cpuNumber: spec.cpu,
    cpuType: 'sandbox cpu',
    currentJobs: usage.runningJobs,
    desc: spec.description,
    diskGB: spec.disk,
    feeToken: spec.feeToken,
    gpuNumber: spec.gpu ?? 0,
    gpuType: spec.gpu ? 'sandbox gpu' : '',
    lastSeen: (Date.now() / 1000).toFixed(6),
    maxJobDuration: String(spec.maxJobDuration),
    maxJobs: spec.maxJobs,
    priceMin: spec.v2PriceMin ?? spec.cpuPricePerMinute,
    ramGB: String(spec.ram),
    storageExpiry: spec.storageExpiry,
  };
}
