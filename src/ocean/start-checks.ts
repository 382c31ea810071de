import { assertConsumable, notConsumable } from './consumable';
import { serviceById, type Ddo, type DdoService } from './ddo';
import { OceanError } from './errors';
import { isAssetInput, type AssetInput, type StartJobRequest } from './job-request';

export interface CheckedAsset {
  field: string;
  input: AssetInput;
  ddo: Ddo;
  service: DdoService;
}

export interface AssetChecks {
  resolve(did: string): Promise<Ddo>;
  /** The provider can reach at least one file of the service (ocean.py's connectivity check); undefined skips it. */
  reachable?: (ddo: Ddo, service: DdoService) => Promise<boolean>;
}

/**
 * What ocean.py's `start` checks before anything is paid or sent: every published asset
 * resolves, the main dataset's service is a compute service, and each asset is consumable
 * by this wallet (disabled, allow list, deny list, files reachable).
 */
export async function checkAssets(request: StartJobRequest, address: string, checks: AssetChecks): Promise<CheckedAsset[]> {
  const assets: Array<{ field: string; input: AssetInput; wantCompute: boolean }> = [];
  request.datasets.forEach((dataset, i) => {
    if (isAssetInput(dataset)) assets.push({ field: `datasets[${i}]`, input: dataset, wantCompute: i === 0 });
  });
  if (isAssetInput(request.algorithm)) assets.push({ field: 'algorithm', input: request.algorithm, wantCompute: false });
  const checked = await Promise.all(
    assets.map(async ({ field, input, wantCompute }) => {
      const ddo = await checks.resolve(input.did);
      const service = input.serviceId ? serviceById(ddo, input.serviceId, `${field}.serviceId`) : defaultService(ddo, field, wantCompute);
      assertConsumable(ddo, service, address, field, wantCompute);
      return { field, input: { ...input, serviceId: service.id }, ddo, service };
    }),
  );
  if (checks.reachable) {
    const reachable = checks.reachable;
    await Promise.all(
      checked.map(async ({ field, ddo, service }) => {
        if (!(await reachable(ddo, service))) throw notConsumable(ddo, 'CONNECTIVITY_FAIL', field);
      }),
    );
  }
  return checked;
}

/** The service a job uses when none is named: a dataset's first compute service, an algorithm's first service. */
function defaultService(ddo: Ddo, field: string, wantCompute: boolean): DdoService {
  const service = wantCompute || field.startsWith('datasets') ? ddo.services.find((s) => s.type === 'compute') : ddo.services.find((s) => s.type === 'compute' || s.type === 'access');
  if (!service) throw new OceanError('NOT_CONSUMABLE', `${field}: ${ddo.id} offers no ${wantCompute ? 'compute ' : ''}service to run a job with`, { details: { field, did: ddo.id, rule: 'SERVICE_NOT_COMPUTE' } });
  return service;
}

/** The request with every published asset's service id filled in from the checks. */
export function withServiceIds(request: StartJobRequest, checked: CheckedAsset[]): StartJobRequest {
  const serviceOf = (field: string): string | undefined => checked.find((asset) => asset.field === field)?.input.serviceId;
  return {
    ...request,
    datasets: request.datasets.map((dataset, i) => (isAssetInput(dataset) ? { ...dataset, serviceId: serviceOf(`datasets[${i}]`) } : dataset)),
    algorithm: isAssetInput(request.algorithm) ? { ...request.algorithm, serviceId: serviceOf('algorithm') } : request.algorithm,
  };
}
