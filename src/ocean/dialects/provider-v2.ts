import { invalidInput } from '../errors';
import { parseProviderV2Job } from '../jobs';
import { isAssetInput, isRawAlgorithm, type AssetInput, type StartJobRequest } from '../job-request';
import { parseJobList, parseNonceBody, recode, serverMessage } from './common';
import { parseInitialize } from './initialize';
import { parseProviderV2Environments } from './provider-v2-environments';
import type { Dialect } from './types';

function assetBody(asset: AssetInput): Record<string, unknown> {
  return {
    documentId: asset.did,
    serviceId: asset.serviceId,
    transferTxId: asset.transferTxId,
    ...(asset.userdata ? { userdata: asset.userdata } : {}),
  };
}

export const providerV2Dialect: Dialect = {
  kind: 'provider-v2',
  label: 'Provider v2',
  // The Provider ignores chainId and answers every chain it serves; ocean.py sends it anyway.
  environmentsQuery: (chainId) => ({ chainId }),
  parseEnvironments: parseProviderV2Environments,

  validateStart(request) {
    const [main] = request.datasets;
    if (!main) throw invalidInput('datasets', 'at least one published dataset (Provider v2 runs jobs on a dataset)', request.datasets);
    request.datasets.forEach((dataset, i) => {
      if (!isAssetInput(dataset)) throw invalidInput(`datasets[${i}]`, 'a published dataset {did, serviceId}: Provider v2 takes no URL files', undefined, { hideValue: true });
    });
    if (isRawAlgorithm(request.algorithm)) {
      if (request.algocustomdata) {
        throw invalidInput('algocustomdata', 'no custom data with a raw algorithm: Provider v2 passes it only to published algorithms', undefined, { hideValue: true });
      }
      const checksum = request.algorithm.meta.container.checksum;
      if (!checksum || !checksum.startsWith('sha256:')) {
        throw invalidInput('algorithm.meta.container.checksum', 'the image digest "sha256:…" (Provider v2 requires it)', checksum);
      }
    }
  },

  startPlan(consumerAddress, request: StartJobRequest) {
    const [main, ...additional] = request.datasets as AssetInput[];
    const algorithm = isRawAlgorithm(request.algorithm)
      ? { meta: request.algorithm.meta }
      : { ...assetBody(request.algorithm) };
    return {
      endpoint: 'computeStart',
      operation: 'start a compute job',
      // Provider v2 signs consumerAddress + dataset.documentId + nonce.
      message: (address, nonce) => `${address}${main?.did ?? ''}${nonce}`,
      placement: 'body',
      nonceAsNumber: true,
      body: {
        dataset: main ? assetBody(main) : undefined,
        // ocean.py builds "additionalInputs" and leaves it empty; the Provider reads additionalDatasets.
        additionalDatasets: additional.map(assetBody),
        algorithm: request.algocustomdata ? { ...algorithm, algocustomdata: request.algocustomdata } : algorithm,
        environment: request.environment,
        consumerAddress,
      },
    };
  },

  statusPlan({ consumerAddress, jobId, did }) {
    return {
      endpoint: 'computeStatus',
      operation: jobId ? `get the status of job ${jobId}` : 'list the jobs of the wallet',
      query: { consumerAddress, jobId, documentId: did },
      idempotent: true,
    };
  },

  stopPlan({ consumerAddress, jobId, did }) {
    return {
      endpoint: 'computeStop',
      operation: `stop job ${jobId}`,
      // Always with the jobId: without it the operator stops every job of the owner.
      message: (address, nonce) => `${address}${jobId}${did ?? ''}${nonce}`,
      placement: 'query',
      query: { consumerAddress, jobId, documentId: did },
      idempotent: true,
    };
  },

  resultPlan({ consumerAddress, jobId }, index) {
    return {
      endpoint: 'computeResult',
      operation: `fetch result ${index} of job ${jobId}`,
      message: (address, nonce) => `${address}${jobId}${index}${nonce}`,
      placement: 'query',
      query: { jobId, index, consumerAddress },
      idempotent: true,
    };
  },

  initializePlan(consumerAddress, request, validUntil) {
    const algorithm = isRawAlgorithm(request.algorithm) ? { meta: request.algorithm.meta } : assetBody(request.algorithm);
    return {
      endpoint: 'initializeCompute',
      operation: 'get the provider fees for the job',
      body: {
        datasets: (request.datasets as AssetInput[]).map(assetBody),
        algorithm,
        compute: { env: request.environment, validUntil },
        consumerAddress,
      },
    };
  },

  parseInitialize,
  parseJobs: (body) => parseJobList(body, parseProviderV2Job, 'Provider'),
  parseNonce: parseNonceBody,

  isNonceRejection(error) {
    return error.code === 'AUTH_REJECTED' && /nonce/i.test(serverMessage(error));
  },

  lacksRoom(error) {
    return /too many jobs|no (free )?slots?|maxJobs/i.test(serverMessage(error));
  },
  refineError(error) {
    const message = serverMessage(error);
    if (/order_invalid|in_use_or_not_on_chain|fees_not_paid/.test(message)) return recode(error, 'ORDER_INVALID');
    if (/denied with code|not consumable|malformed or disabled/i.test(message)) return recode(error, 'NOT_CONSUMABLE');
    if (/No such index|No results for job/i.test(message)) return recode(error, 'RESULT_NOT_READY');
    if (/Owner .* mismatch/i.test(message)) return recode(error, 'ACCESS_DENIED');
    return error;
  },
};
