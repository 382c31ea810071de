import assert from 'node:assert/strict';
import { OceanError } from '../../src/ocean';

/** The OceanError a call rejects with; fails the test if it resolves or rejects with something else. */
export async function failure(promise: Promise<unknown>): Promise<OceanError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OceanError, `expected an OceanError, got ${String(error)}`);
    return error;
  }
  throw new Error('expected the call to fail');
}

/** The OceanError a synchronous call throws; fails the test if it returns or throws something else. */
export function thrown(run: () => unknown): OceanError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof OceanError, `expected an OceanError, got ${String(error)}`);
    return error;
  }
  throw new Error('expected the call to fail');
}
