import type { SandboxContext } from '../context';
import { renderProviderV2Environment } from '../environments';
import { flaskJson } from '../http/reply';
import { queryParam } from '../http/request';
import { Router } from '../http/router';
import { fileInfo, getDdo } from '../metadata-routes';
import { initializeCompute } from './initialize';
import { result, status, stop } from './jobs-routes';
import { PROVIDER_V2_SERVICE_ENDPOINTS } from './service-endpoints';
import { startCompute } from './start';

/** Provider 2.x's HTTP interface (Flask) plus Aquarius's DDO route, as far as the sandbox implements them. */
export function providerV2Routes(ctx: SandboxContext): Router {
  const { options } = ctx;
  const providerAddress = options.provider.address;
  return new Router()
    .add('GET', '/', (_req, res) => {
      flaskJson(res, 200, {
        chainIds: [options.chainId],
        providerAddresses: { [String(options.chainId)]: providerAddress },
        serviceEndpoints: PROVIDER_V2_SERVICE_ENDPOINTS,
        software: 'Provider',
        version: '2.1.6',
      });
    })
    .add('GET', '/api/services/nonce', (req, res) => {
      const address = queryParam(req, 'userAddress');
      if (!address) {
        flaskJson(res, 400, { message: 'Validation error', errors: { userAddress: ['The userAddress field is required.'] }, success: false });
        return;
      }
      // Flask 2.1 serialises the stored Decimal as a string; an unknown address starts at 1.
      flaskJson(res, 200, { nonce: ctx.nonces.current(address, 1n).toString() });
    })
    .add('GET', '/api/services/computeEnvironments', (_req, res) => {
      // The Provider ignores chainId and answers every chain it serves, keyed by chain id.
      flaskJson(res, 200, {
        [String(options.chainId)]: options.environments.map((spec) =>
          renderProviderV2Environment(spec, providerAddress, {
            runningJobs: ctx.jobs.running().filter((job) => job.environmentId === `ocean-compute-${spec.name}`).length,
            runningFreeJobs: 0,
            cpuInUse: 0,
            ramInUse: 0,
            diskInUse: 0,
          }),
        ),
      });
    })
    .add('POST', '/api/services/initializeCompute', (req, res) => initializeCompute(ctx, req, res))
    .add('POST', '/api/services/compute', (req, res) => startCompute(ctx, req, res))
    .add('GET', '/api/services/compute', (req, res) => status(ctx, req, res))
    .add('PUT', '/api/services/compute', (req, res) => stop(ctx, req, res))
    .add('DELETE', '/api/services/compute', (_req, res) => flaskJson(res, 200, ''))
    .add('GET', '/api/services/computeResult', (req, res) => result(ctx, req, res))
    .add('POST', '/api/services/fileinfo', (req, res) => fileInfo(ctx, 'provider-v2', req, res))
    .add('GET', '/api/aquarius/assets/ddo/:did', (req, res) => getDdo(ctx, 'provider-v2', req, res));
}
