import { createHash } from 'node:crypto';
import { getBytes } from 'ethers';
import type { SandboxContext } from '../context';
import { oceanNodeEnvironmentId, renderOceanNodeEnvironment, type Usage } from '../environments';
import { expressJson, expressText } from '../http/reply';
import { queryParam } from '../http/request';
import { Router } from '../http/router';
import { fileInfo, getDdo } from '../metadata-routes';
import type { EnvironmentSpec } from '../options';
import { result, status, stop } from './jobs-routes';
import { initializeCompute } from './initialize';
import { OCEAN_NODE_SERVICE_ENDPOINTS } from './service-endpoints';
import { startCompute } from './start';
import { streamableLogs } from './streamable-logs';
import { createToken, invalidateToken } from './token-routes';

/** Ocean Node v3.1's HTTP interface, as far as the sandbox implements it. */
export function oceanNodeRoutes(ctx: SandboxContext): Router {
  const { options } = ctx;
  const providerAddress = options.provider.address;
  return new Router()
    .add('GET', '/', (_req, res) => {
      expressJson(res, 200, {
        nodeId: peerIdFor(providerAddress),
        chainIds: [String(options.chainId)],
        providerAddress,
        nodePublicKey: indexedBytes(getBytes(options.provider.signingKey.compressedPublicKey)),
        serviceEndpoints: OCEAN_NODE_SERVICE_ENDPOINTS,
        software: 'Ocean-Node',
        version: '0.0.1',
      });
    })
    .add('GET', '/api/services/nonce', (req, res) => {
      // The real node answers "0" for unknown, malformed and missing addresses alike.
      const address = queryParam(req, 'userAddress') ?? 'undefined';
      expressJson(res, 200, { nonce: ctx.nonces.current(address, 0n).toString() });
    })
    .add('GET', '/api/services/computeEnvironments', (req, res) => {
      const chainFilter = queryParam(req, 'chainId');
      if (chainFilter !== undefined && chainFilter !== String(options.chainId)) {
        expressJson(res, 200, []);
        return;
      }
      expressJson(res, 200, options.environments.map((spec) => renderOceanNodeEnvironment(spec, options.chainId, providerAddress, usageOf(ctx, spec))));
    })
    .add('POST', '/api/services/initializeCompute', (req, res) => initializeCompute(ctx, req, res))
    .add('POST', '/api/services/freeCompute', (req, res) => startCompute(ctx, req, res, false))
    .add('POST', '/api/services/compute', (req, res) => startCompute(ctx, req, res, true))
    .add('GET', '/api/services/compute', (req, res) => status(ctx, req, res))
    .add('PUT', '/api/services/compute', (req, res) => stop(ctx, req, res))
    .add('DELETE', '/api/services/compute', (_req, res) => expressText(res, 404, 'Not yet implemented!'))
    .add('GET', '/api/services/computeResult', (req, res) => result(ctx, req, res))
    .add('GET', '/api/services/computeStreamableLogs', (req, res) => streamableLogs(ctx, req, res))
    .add('POST', '/api/services/auth/token', (req, res) => createToken(ctx, req, res))
    .add('POST', '/api/services/auth/token/invalidate', (req, res) => invalidateToken(ctx, req, res))
    .add('POST', '/api/services/fileInfo', (req, res) => fileInfo(ctx, 'ocean-node', req, res))
    .add('GET', '/api/aquarius/assets/ddo/:did/:force?', (req, res) => getDdo(ctx, 'ocean-node', req, res));
}

function usageOf(ctx: SandboxContext, spec: EnvironmentSpec): Usage {
  const id = oceanNodeEnvironmentId(spec);
  const running = ctx.jobs.running().filter((job) => job.environmentId === id);
  const used = (resource: string): number => running.reduce((sum, job) => sum + (job.resources.find((r) => r.id === resource)?.amount ?? 0), 0);
  return {
    runningJobs: running.filter((job) => !job.free).length,
    runningFreeJobs: running.filter((job) => job.free).length,
    cpuInUse: used('cpu'),
    ramInUse: used('ram'),
    diskInUse: used('disk'),
  };
}

/** A stable stand-in for the node's libp2p peer id. */
function peerIdFor(address: string): string {
  const digest = createHash('sha256').update(address).digest('base64url').replace(/[-_]/g, 'x');
  return `16Uiu2HAm${digest.slice(0, 44)}`;
}

/** Ocean Node serialises its public key as an object of byte indexes ({"0": 2, "1": 32, ...}). */
function indexedBytes(bytes: Uint8Array): Record<string, number> {
  return Object.fromEntries(Array.from(bytes, (byte, index) => [String(index), byte]));
}
