import { invalidInput } from './errors';
import { isRecord } from './server-message';

/** A published asset: its DID and the id of the service to use (plus an order already paid). */
export interface AssetInput {
  did: string;
  /** Left out: the first compute service (datasets) or the first service (algorithms) of the DDO. */
  serviceId?: string;
  transferTxId?: string;
  userdata?: Record<string, unknown>;
}

/** A dataset given as a URL file (Ocean Node free jobs); the node downloads it. */
export interface UrlDatasetInput {
  fileObject: { type: 'url'; url: string; method: string; headers?: Record<string, string> };
  userdata?: Record<string, unknown>;
}

export type DatasetInput = AssetInput | UrlDatasetInput;

/** A dataset Ocean Node downloads from a URL (a `fileObject` of type "url"). */
export function urlDataset(url: string, method = 'get'): UrlDatasetInput {
  return { fileObject: { type: 'url', url, method } };
}

export interface AlgorithmContainer {
  entrypoint: string;
  image: string;
  tag: string;
  checksum?: string;
}

/** An algorithm not published as an asset: its container and code (ocean.py's AlgorithmMetadata). */
export interface RawAlgorithm {
  container: AlgorithmContainer;
  rawcode?: string;
  url?: string;
  language?: string;
  version?: string;
}

export type AlgorithmInput = AssetInput | { meta: RawAlgorithm };

export interface ResourceRequest {
  id: string;
  amount: number;
}

export interface StartJobRequest {
  environment: string;
  /** The first is the main dataset; the rest are additional datasets. May be empty on Ocean Node. */
  datasets: DatasetInput[];
  algorithm: AlgorithmInput;
  /** Parameters for the algorithm, written to algoCustomData.json in the container. */
  algocustomdata?: Record<string, unknown>;
  /** Ocean Node: use the free tier (no payment). */
  free?: boolean;
  resources?: ResourceRequest[];
  /** Seconds; Ocean Node caps it at the environment's maximum. */
  maxJobDuration?: number;
  /** Ocean Node paid jobs: where the escrow payment is. */
  payment?: { chainId: number; token: string };
}

export function isAssetInput(value: DatasetInput | AlgorithmInput): value is AssetInput {
  return 'did' in value;
}

export function isUrlDataset(value: DatasetInput): value is UrlDatasetInput {
  return 'fileObject' in value;
}

export function isRawAlgorithm(value: AlgorithmInput): value is { meta: RawAlgorithm } {
  return 'meta' in value;
}

const DID = /^did:op[e]?:[0-9a-zA-Z]+$/;
const TX = /^0x[0-9a-fA-F]{64}$/;

/** Checks a start request from a flow and names the first field that is wrong. */
export function validateStartRequest(request: StartJobRequest): StartJobRequest {
  if (typeof request.environment !== 'string' || request.environment.trim() === '') {
    throw invalidInput('environment', 'the id of a compute environment (see the c2d-envs node)', request.environment);
  }
  if (!Array.isArray(request.datasets)) throw invalidInput('datasets', 'an array of datasets', request.datasets);
  request.datasets.forEach((dataset, i) => validateDataset(dataset, `datasets[${i}]`));
  validateAlgorithm(request.algorithm);
  if (request.algocustomdata !== undefined && !isRecord(request.algocustomdata)) {
    throw invalidInput('algocustomdata', 'an object of parameters for the algorithm', request.algocustomdata);
  }
  if (request.maxJobDuration !== undefined && (!Number.isFinite(request.maxJobDuration) || request.maxJobDuration <= 0)) {
    throw invalidInput('maxJobDuration', 'a number of seconds above 0', request.maxJobDuration);
  }
  if (request.resources !== undefined && !Array.isArray(request.resources)) {
    throw invalidInput('resources', 'an array like [{"id": "cpu", "amount": 1}]', request.resources);
  }
  for (const [i, resource] of (request.resources ?? []).entries()) {
    if (!isRecord(resource) || typeof resource.id !== 'string' || !Number.isFinite(resource.amount) || resource.amount < 0) {
      throw invalidInput(`resources[${i}]`, 'an object like {"id": "cpu", "amount": 1}', resource);
    }
  }
  return request;
}

function validateAsset(value: Record<string, unknown>, field: string): void {
  if (typeof value.did !== 'string' || !DID.test(value.did)) throw invalidInput(`${field}.did`, 'a DID such as "did:op:0123…"', value.did);
  if (value.serviceId !== undefined && (typeof value.serviceId !== 'string' || value.serviceId === '')) {
    throw invalidInput(`${field}.serviceId`, 'the id of one of the asset\'s services, or nothing for its first compute service', value.serviceId);
  }
  if (value.transferTxId !== undefined && (typeof value.transferTxId !== 'string' || !TX.test(value.transferTxId))) {
    throw invalidInput(`${field}.transferTxId`, 'a 0x-prefixed transaction hash', value.transferTxId);
  }
  if (value.userdata !== undefined && !isRecord(value.userdata)) throw invalidInput(`${field}.userdata`, 'an object', value.userdata);
}

function validateDataset(value: unknown, field: string): void {
  if (!isRecord(value)) throw invalidInput(field, 'a {did, serviceId} object or a {fileObject} URL file', value);
  if ('fileObject' in value) {
    const file = value.fileObject;
    if (!isRecord(file) || file.type !== 'url' || typeof file.url !== 'string' || !/^https?:\/\//.test(file.url)) {
      throw invalidInput(`${field}.fileObject`, 'a URL file like {"type": "url", "url": "http://…", "method": "get"}', file);
    }
    return;
  }
  validateAsset(value, field);
}

function validateAlgorithm(value: unknown): void {
  if (!isRecord(value)) throw invalidInput('algorithm', 'a {did, serviceId} object or {meta: {container, rawcode}}', value);
  if (!('meta' in value)) {
    validateAsset(value, 'algorithm');
    return;
  }
  const meta = value.meta;
  if (!isRecord(meta)) throw invalidInput('algorithm.meta', 'an object with container and rawcode', meta);
  const container = meta.container;
  if (!isRecord(container)) throw invalidInput('algorithm.meta.container', 'an object with entrypoint, image and tag', container);
  for (const key of ['entrypoint', 'image', 'tag'] as const) {
    if (typeof container[key] !== 'string' || container[key] === '') {
      throw invalidInput(`algorithm.meta.container.${key}`, 'a non-empty string', container[key]);
    }
  }
  if (meta.rawcode === undefined && meta.url === undefined) {
    throw invalidInput('algorithm.meta', 'the algorithm\'s code in rawcode (or a url to it)', undefined, { hideValue: true });
  }
}
