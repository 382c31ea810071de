/** The `serviceEndpoints` map of a Provider v2's `GET /` (Provider 2.0.2, as served). */
export const PROVIDER_V2_SERVICE_ENDPOINTS: Record<string, [string, string]> = {
  computeDelete: ['DELETE', '/api/services/compute'],
  computeEnvironments: ['GET', '/api/services/computeEnvironments'],
  computeResult: ['GET', '/api/services/computeResult'],
  computeStart: ['POST', '/api/services/compute'],
  computeStatus: ['GET', '/api/services/compute'],
  computeStop: ['PUT', '/api/services/compute'],
  create_auth_token: ['GET', '/api/services/createAuthToken'],
  decrypt: ['POST', '/api/services/decrypt'],
  delete_auth_token: ['DELETE', '/api/services/deleteAuthToken'],
  download: ['GET', '/api/services/download'],
  encrypt: ['POST', '/api/services/encrypt'],
  fileinfo: ['POST', '/api/services/fileinfo'],
  initialize: ['GET', '/api/services/initialize'],
  initializeCompute: ['POST', '/api/services/initializeCompute'],
  nonce: ['GET', '/api/services/nonce'],
  validateContainer: ['POST', '/api/services/validateContainer'],
};
