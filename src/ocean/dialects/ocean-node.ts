import { invalidInput } from '../errors';
import { parseOceanNodeJob } from '../jobs';
import { isAssetInput, isRawAlgorithm, isUrlDataset, type DatasetInput, type StartJobRequest, type AlgorithmInput } from '../job-request';
import { parseJobList, parseNonceBody, recode, serverMessage } from './common';
import { parseInitialize } from './initialize';
import { parseOceanNodeEnvironments } from './ocean-node-environments';
import type { Dialect, SignedPlan } from './types';

/** Ocean Node ≥ 1.0 signs `address + nonce + command` for every signed call. */
function commandMessage(command: string): SignedPlan['message'] {
  return (address, nonce) => `${address}${nonce}${command}`;
}

function datasetBody(dataset: DatasetInput): Record<string, unknown> {
  if (isUrlDataset(dataset)) return { fileObject: dataset.fileObject, ...(dataset.userdata ? { userdata: dataset.userdata } : {}) };
  return {
    documentId: dataset.did,
    serviceId: dataset.serviceId,
    ...(dataset.transferTxId ? { transferTxId: dataset.transferTxId } : {}),
    ...(dataset.userdata ? { userdata: dataset.userdata } : {}),
  };
}

function algorithmBody(algorithm: AlgorithmInput, algocustomdata: Record<string, unknown> | undefined): Record<string, unknown> {
  const custom = algocustomdata ? { algocustomdata } : {};
  if (isRawAlgorithm(algorithm)) return { meta: algorithm.meta, ...custom };
  return {
    documentId: algorithm.did,
    serviceId: algorithm.serviceId,
    ...(algorithm.transferTxId ? { transferTxId: algorithm.transferTxId } : {}),
    ...(algorithm.userdata ? { userdata: algorithm.userdata } : {}),
    ...custom,
  };
}

export const oceanNodeDialect: Dialect = {
  kind: 'ocean-node',
  label: 'Ocean Node',
  tokenEndpoint: 'generateAuthToken',
  environmentsQuery: (chainId) => ({ chainId }),
  parseEnvironments: parseOceanNodeEnvironments,

  validateStart(request) {
    if (!request.free && request.maxJobDuration === undefined) {
      throw invalidInput('maxJobDuration', 'the seconds a paid job may run (it sets the price), or free: true', undefined, { hideValue: true });
    }
  },

  startPlan(consumerAddress, request: StartJobRequest) {
    const command = request.free ? 'freeStartCompute' : 'startCompute';
    return {
      endpoint: request.free ? 'freeCompute' : 'computeStart',
      operation: request.free ? 'start a free compute job' : 'start a compute job',
      message: commandMessage(command),
      placement: 'body',
      body: {
        consumerAddress,
        environment: request.environment,
        datasets: request.datasets.map(datasetBody),
        algorithm: algorithmBody(request.algorithm, request.algocustomdata),
        ...(request.resources ? { resources: request.resources } : {}),
        ...(request.maxJobDuration !== undefined ? { maxJobDuration: request.maxJobDuration } : {}),
        ...(!request.free && request.payment ? { payment: request.payment } : {}),
      },
    };
  },

  statusPlan({ consumerAddress, jobId }) {
    return {
      endpoint: 'computeStatus',
      operation: jobId ? `get the status of job ${jobId}` : 'list the jobs of the wallet',
      query: { consumerAddress, jobId },
      idempotent: true,
    };
  },

  stopPlan({ consumerAddress, jobId }) {
    return {
      endpoint: 'computeStop',
      operation: `stop job ${jobId}`,
      message: commandMessage('stopCompute'),
      placement: 'query',
      query: { consumerAddress, jobId },
      idempotent: true,
    };
  },

  resultPlan({ consumerAddress, jobId }, index) {
    return {
      endpoint: 'computeResult',
      operation: `fetch result ${index} of job ${jobId}`,
      message: commandMessage('getComputeResult'),
      placement: 'query',
      query: { consumerAddress, jobId, index },
      idempotent: true,
    };
  },

  liveLogPlan({ consumerAddress, jobId }) {
    return {
      endpoint: 'computeStreamableLogs',
      operation: `read the live log of job ${jobId}`,
      message: commandMessage('getComputeStreamableLogs'),
      placement: 'query',
      query: { consumerAddress, jobId },
      idempotent: true,
    };
  },

  tokenPlan(address, validUntilMs) {
    return {
      endpoint: 'generateAuthToken',
      operation: 'create an auth token',
      message: commandMessage('createAuthToken'),
      placement: 'body',
      body: { address, validUntil: validUntilMs },
    };
  },

  initializePlan(consumerAddress, request) {
    return {
      endpoint: 'initializeCompute',
      operation: 'get a price quote for the job',
      body: {
        // Over HTTP every dataset of initializeCompute must be a published one.
        datasets: request.datasets.filter(isAssetInput).map(datasetBody),
        algorithm: algorithmBody(request.algorithm, undefined),
        environment: request.environment,
        payment: { ...request.payment, ...(request.resources ? { resources: request.resources } : {}) },
        maxJobDuration: request.maxJobDuration,
        consumerAddress,
      },
    };
  },

  parseInitialize,
  parseJobs: (body) => parseJobList(body, parseOceanNodeJob, 'Ocean Node'),
  parseNonce: parseNonceBody,

  isNonceRejection(error) {
    return error.code === 'AUTH_REJECTED' && /is not a valid nonce/.test(serverMessage(error));
  },

  lacksRoom(error) {
    return /Not enough (available )?\w+|too many (free )?jobs|maximum number of (free )?jobs/i.test(serverMessage(error));
  },
  refineError(error) {
    const message = serverMessage(error);
    if (/TxId Service .* is not valid|Missing transferTxId/i.test(message)) return recode(error, 'ORDER_INVALID');
    if (/Cannot find job with id/i.test(message)) return recode(error, 'NOT_FOUND');
    if (/not authorized to get results/i.test(message)) return recode(error, 'ACCESS_DENIED');
    if (/Invalid C2D Environment|does not accept payments|Not enough (available )?\w+|not allowed to run/i.test(message)) {
      return recode(error, 'REQUEST_REJECTED');
    }
    return error;
  },
};
