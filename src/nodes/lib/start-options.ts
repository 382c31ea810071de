import type { Node, NodeAPI, NodeMessage } from 'node-red';
import type { AlgorithmContainer, AlgorithmInput, DatasetInput, StartJobRequest } from '../../ocean';
import { urlDataset } from '../../ocean/job-request';
import { invalidInput } from '../../ocean/errors';
import { isRecord } from '../../ocean/server-message';
import { CONTAINER_PRESETS } from './containers';
import { parse, readOption } from './options';

/** compute-start's saved settings (each TypedInput also saves `<field>Type`). */
export interface StartConfig {
  environment?: string;
  environmentType?: string;
  dataset?: string;
  datasetService?: string;
  additionalDatasets?: string;
  algorithm?: string;
  algorithmService?: string;
  algorithmCode?: string;
  container?: string;
  image?: string;
  tag?: string;
  entrypoint?: string;
  checksum?: string;
  tier?: string;
  maxJobDuration?: string;
  resources?: string;
  algocustomdata?: string;
  userdata?: string;
}

/** What the node decided for one message: the request, or an environment still to pick. */
export interface StartPlan {
  request: Omit<StartJobRequest, 'environment'>;
  environment: string | { pick: 'free' | 'paid' | 'any' };
}

const PICKS = ['free', 'paid', 'any'] as const;

/**
 * Reads compute-start's options for one message. Each option is a TypedInput; a `msg`
 * property of the same purpose wins for that message (msg.dataset, msg.algorithm,
 * msg.environment...). An environment left to "pick" takes `msg.ocean.environment` when an
 * upstream c2d-envs node chose one.
 */
export async function readStartOptions(RED: NodeAPI, node: Node, msg: NodeMessage, config: StartConfig): Promise<StartPlan> {
  const read = <T>(field: string, msgProperty: string | undefined, parser: (value: unknown, name: string) => T | undefined): Promise<T | undefined> =>
    readOption(RED, node, msg, config, { field, msg: msgProperty, parse: parser });

  const userdata = await read('userdata', 'userdata', parse.object);
  const datasetService = await read('datasetService', 'datasetServiceId', parse.string);
  const datasetsOf = (list: unknown[] | undefined, name: string, serviceId?: string): DatasetInput[] =>
    (list ?? []).map((value, i) => toDataset(value, list && list.length > 1 ? `${name}[${i}]` : name, i === 0 ? serviceId : undefined, userdata));
  const main = await read('dataset', 'dataset', (value, name) => datasetsOf(parse.list(value, name), name, datasetService));
  const extra = await read('additionalDatasets', 'additionalDatasets', (value, name) => datasetsOf(parse.list(value, name), name));
  const datasets = [...(main ?? []), ...(extra ?? [])];

  const tier = await read('tier', 'free', (value, name) => (typeof value === 'boolean' ? (value ? 'free' : 'paid') : parse.oneOf(['free', 'paid'] as const)(value, name)));
  const request: Omit<StartJobRequest, 'environment'> = {
    datasets,
    algorithm: await readAlgorithm(read, config),
    algocustomdata: await read('algocustomdata', 'algocustomdata', parse.object),
    free: tier !== 'paid',
    maxJobDuration: await read('maxJobDuration', 'maxJobDuration', parse.number),
    resources: (await read('resources', 'resources', parse.list)) as StartJobRequest['resources'],
  };

  return { request, environment: await readEnvironment(RED, node, msg, config) };
}

/**
 * msg.environment wins; then the node's own id (string, msg, flow... TypedInput); a node set
 * to pick takes msg.ocean.environment from an upstream c2d-envs node, else picks one itself.
 */
async function readEnvironment(RED: NodeAPI, node: Node, msg: NodeMessage, config: StartConfig): Promise<StartPlan['environment']> {
  const override = parse.string((msg as { environment?: unknown }).environment, 'msg.environment');
  if (override) return override;
  if (config.environmentType !== 'envpick') {
    const given = await readOption(RED, node, msg, config, { field: 'environment', parse: parse.string });
    if (given) return given;
  }
  const upstream = parse.string((msg as { ocean?: { environment?: unknown } }).ocean?.environment, 'msg.ocean.environment');
  if (upstream) return upstream;
  const pick = PICKS.find((p) => p === config.environment) ?? 'free';
  return { pick };
}

function toDataset(value: unknown, name: string, serviceId: string | undefined, userdata: Record<string, unknown> | undefined): DatasetInput {
  const withUserdata = <T extends object>(input: T): T => (userdata && !('userdata' in input) ? { ...input, userdata } : input);
  if (typeof value === 'string') {
    if (/^did:op/.test(value)) return withUserdata({ did: value, ...(serviceId ? { serviceId } : {}) });
    if (/^https?:\/\//.test(value)) return withUserdata(urlDataset(value));
  }
  if (isRecord(value)) {
    if (typeof value.url === 'string') return withUserdata(urlDataset(value.url, typeof value.method === 'string' ? value.method : undefined));
    if ('did' in value || 'fileObject' in value) return withUserdata(value as unknown as DatasetInput);
  }
  throw invalidInput(name, 'a DID ("did:op:…"), a URL ("http://…"), or an object {did, serviceId} / {url}', value);
}

async function readAlgorithm(
  read: <T>(field: string, msgProperty: string | undefined, parser: (value: unknown, name: string) => T | undefined) => Promise<T | undefined>,
  config: StartConfig,
): Promise<AlgorithmInput> {
  const code = await read('algorithmCode', 'algorithmCode', parse.string);
  const given = await read('algorithm', 'algorithm', algorithmValue);
  const serviceId = await read('algorithmService', 'algorithmServiceId', parse.string);
  if (typeof given === 'string') {
    if (!/^did:op/.test(given)) throw invalidInput('algorithm', 'a DID ("did:op:…") or an object {did, serviceId} / {meta}', given);
    return { did: given, ...(serviceId ? { serviceId } : {}) };
  }
  if (isRecord(given)) {
    if ('meta' in given || 'did' in given) return given as unknown as AlgorithmInput;
    if ('container' in given) return { meta: given as unknown as { container: AlgorithmContainer; rawcode?: string } };
    throw invalidInput('algorithm', 'an object {did, serviceId} or {meta: {container, rawcode}}', given);
  }
  if (code) return { meta: { container: containerOf(config), rawcode: code } };
  throw invalidInput('algorithm', 'a published algorithm (DID) or code to run', undefined, { hideValue: true });
}

/** A DID string or an object as given; anything else is refused by the object parser. */
function algorithmValue(value: unknown, name: string): string | Record<string, unknown> | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  return parse.object(value, name);
}

/** A preset's container, or the image, tag and entrypoint typed in for "custom"; the checksum applies to both. */
function containerOf(config: StartConfig): AlgorithmContainer {
  const preset = CONTAINER_PRESETS[config.container ?? 'node'];
  const container: AlgorithmContainer = preset
    ? { ...preset }
    : { entrypoint: config.entrypoint ?? '', image: config.image ?? '', tag: config.tag || 'latest' };
  if (config.checksum) container.checksum = config.checksum;
  return container;
}
