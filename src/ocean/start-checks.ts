import { assertConsumable, notConsumable } from './consumable';
import { serviceById, type Ddo, type DdoService } from './ddo';
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
      const service = serviceById(ddo, input.serviceId, `${field}.serviceId`);
      assertConsumable(ddo, service, address, field, wantCompute);
      return { field, input, ddo, service };
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
