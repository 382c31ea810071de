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

type Reader = <T>(field: string, fallback: string | undefined, parser: (value: unknown, name: string) => T | undefined) => Promise<T | undefined>;

/**
 * Reads compute-start's options for one message. The data a job works on may come from the
 * message when its field is left blank (msg.dataset, msg.algocustomdata...). What code runs
 * (algorithm, code, container) and whether and how much the job pays (tier, environment,
 * resources, duration) come only from the dialog: a value set there, or a TypedInput the user
 * pointed at msg/flow/global/env. A node set to free therefore never pays, whatever a message says.
 */
export async function readStartOptions(RED: NodeAPI, node: Node, msg: NodeMessage, config: StartConfig): Promise<StartPlan> {
  const read: Reader = (field, fallback, parser) => readOption(RED, node, msg, config, { field, fallback, parse: parser });

  const userdata = await read('userdata', 'userdata', parse.object);
  const datasetService = await read('datasetService', 'datasetServiceId', parse.string);
  const datasetsOf = (list: unknown[] | undefined, name: string, serviceId?: string): DatasetInput[] =>
    (list ?? []).map((value, i) => toDataset(value, list && list.length > 1 ? `${name}[${i}]` : name, i === 0 ? serviceId : undefined, userdata));
  const main = await read('dataset', 'dataset', (value, name) => datasetsOf(parse.list(value, name), name, datasetService));
  const extra = await read('additionalDatasets', 'additionalDatasets', (value, name) => datasetsOf(parse.list(value, name), name));
  const datasets = [...(main ?? []), ...(extra ?? [])];

  const tier = await read('tier', undefined, (value, name) => (typeof value === 'boolean' ? (value ? 'free' : 'paid') : parse.oneOf(['free', 'paid'] as const)(value, name)));
  const request: Omit<StartJobRequest, 'environment'> = {
    datasets,
    algorithm: await readAlgorithm(read, config),
    algocustomdata: await read('algocustomdata', 'algocustomdata', parse.object),
    free: tier !== 'paid',
    maxJobDuration: await read('maxJobDuration', undefined, parse.number),
    resources: (await read('resources', undefined, parse.list)) as StartJobRequest['resources'],
  };

  return { request, environment: await readEnvironment(RED, node, msg, config) };
}

/**
 * An environment id (typed in, or from msg/flow/global/env as the user chose), or one of the
 * pick choices, which let the node pick the first free, paid or any environment with room.
 */
async function readEnvironment(RED: NodeAPI, node: Node, msg: NodeMessage, config: StartConfig): Promise<StartPlan['environment']> {
  if (config.environmentType !== 'envpick') {
    const given = await readOption(RED, node, msg, config, { field: 'environment', parse: parse.string });
    if (given) return given;
  }
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

/**
 * The Algorithm field (a DID or object, typed in or from where the user pointed it), else the
 * code typed into the node. An object may be `{did, serviceId}`, `{meta: {container, rawcode}}`,
 * `{container, rawcode}`, or just `{rawcode}` to run other code in the node's own container.
 */
async function readAlgorithm(read: Reader, config: StartConfig): Promise<AlgorithmInput> {
  const given = await read('algorithm', undefined, algorithmValue);
  const serviceId = await read('algorithmService', undefined, parse.string);
  if (typeof given === 'string') {
    if (!/^did:op/.test(given)) throw invalidInput('algorithm', 'a DID ("did:op:…") or an object {did, serviceId} / {meta} / {rawcode}', given);
    return { did: given, ...(serviceId ? { serviceId } : {}) };
  }
  if (isRecord(given)) {
    if ('meta' in given || 'did' in given) return given as unknown as AlgorithmInput;
    if ('container' in given) return { meta: given as unknown as { container: AlgorithmContainer; rawcode?: string } };
    if (typeof given.rawcode === 'string' && given.rawcode !== '') return { meta: { container: containerOf(config), rawcode: given.rawcode } };
    throw invalidInput('algorithm', 'an object {did, serviceId}, {meta: {container, rawcode}} or {rawcode}', given);
  }
  const code = config.algorithmCode?.trim() ? config.algorithmCode : undefined;
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
