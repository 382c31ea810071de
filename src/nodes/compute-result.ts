import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { ComputeJob, ResultFile, ResultKind } from '../ocean';
import { OceanError, invalidInput } from '../ocean/errors';
import { configNodeFor } from './lib/config-node';
import { InFlight } from './lib/in-flight';
import { jobDid, readJobId } from './lib/job-id';
import { mergeOcean } from './lib/message';
import { reportFailure } from './lib/node-error';
import { isPerMessage, parse, readOption } from './lib/options';
import { deliverResults, type ResultFormat } from './lib/result-delivery';
import { prepareResultFolder, resultFolderRules } from './lib/result-folder';
import { status } from './lib/status';

interface ComputeResultDef extends NodeDef {
  /** Send failures to a second output instead of Catch nodes. */
  errorOutput?: boolean;
  server: string;
  jobId: string;
  jobIdType: string;
  result: string;
  resultType: string;
  format: string;
  formatType: string;
  unpack: boolean;
  /** The node's results folder (format "file"); older flows may point it at the message. */
  folder: string;
  folderType: string;
  /** A folder inside it, which may come from the message. */
  subfolder?: string;
  subfolderType?: string;
  maxBytes: string;
  maxBytesType: string;
  maxFileBytes?: string;
  maxFileBytesType?: string;
}

const KINDS = ['output', 'algorithmLog', 'configurationLog', 'imageLog', 'filteringLog', 'publishLog', 'all'] as const;
const FORMATS = ['auto', 'buffer', 'text', 'json', 'file'] as const;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** "output", "algorithmLog"... or a result index: which results the message asks for. */
function parseSelection(value: unknown, name: string): ResultKind | 'all' | number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' || /^\d+$/.test(String(value))) return Number(value);
  return parse.oneOf(KINDS)(value, name);
}

export = function register(RED: NodeAPI): void {
  function ComputeResultNode(this: Node, def: ComputeResultDef): void {
    RED.nodes.createNode(this, def);
    const failures = { errorOutput: def.errorOutput === true, outputCount: def.errorOutput === true ? 2 : 1 };
    const inFlight = new InFlight(this, RED._('compute-result.status.fetching'));
    const folderRules = resultFolderRules(RED);
    // A Folder that older flows pointed at msg/flow/global is read as a sub-folder of the default one.
    const legacyFolder = isPerMessage(def, 'folder');
    const subfolderSpec = legacyFolder ? { field: 'folder' } : { field: 'subfolder' };

    this.on('input', async (msg: NodeMessageInFlow, send, done) => {
      try {
        const connection = configNodeFor(RED, def.server);
        const client = connection.getClient();
        const jobId = await readJobId(RED, this, msg, def);
        const read = <T>(field: string, fallback: string | undefined, parser: (value: unknown, name: string) => T | undefined): Promise<T | undefined> =>
          readOption(RED, this, msg, def, { field, fallback, parse: parser });
        const selection = (await read('result', 'result', parseSelection)) ?? 'output';
        const format: ResultFormat = (await read('format', undefined, parse.oneOf(FORMATS))) ?? 'auto';
        const toFiles = format === 'file';
        const maxBytes = await readLimit(RED, this, msg, def, toFiles ? 'maxFileBytes' : 'maxBytes');
        const folder = toFiles
          ? await prepareResultFolder(folderRules, legacyFolder ? undefined : await read('folder', undefined, parse.string), await read(subfolderSpec.field, undefined, parse.string))
          : undefined;
        inFlight.start();

        const job = await client.getJob(jobId, { did: jobDid(msg) });
        const files = selectFiles(job, selection);
        const delivered = await deliverResults(client, jobId, files, { format, unpack: def.unpack !== false, maxBytes, folder });
        const out = msg as NodeMessageInFlow & { files?: unknown; jobId?: string; ocean?: unknown };
        out.files = delivered;
        out.payload =
          delivered.length === 1
            ? (delivered[0]?.payload ?? delivered[0]?.path)
            : Object.fromEntries(delivered.map((file) => [file.name, file.payload ?? file.path]));
        out.jobId = jobId;
        out.ocean = mergeOcean(msg, { jobId, backend: job.backend });
        inFlight.succeeded(RED._('compute-result.status.fetched', { count: delivered.length }));
        send(out);
        done();
      } catch (error) {
        inFlight.failed(error);
        reportFailure(failures, msg, error, send, done);
      }
    });

    this.on('close', () => status.clear(this));
  }

  RED.nodes.registerType('compute-result', ComputeResultNode);
};

/**
 * The node's size limit for the message or, with format "file", the disk. What a message asks
 * for (msg.maxBytes, or a limit field pointed at msg/flow/global) can only lower it.
 */
async function readLimit(RED: NodeAPI, node: Node, msg: NodeMessageInFlow, def: ComputeResultDef, field: 'maxBytes' | 'maxFileBytes'): Promise<number> {
  const perMessage = isPerMessage(def, field);
  const value = await readOption(RED, node, msg, def, { field, parse: parse.number });
  const limit = (perMessage ? undefined : value) ?? (field === 'maxBytes' ? DEFAULT_MAX_BYTES : DEFAULT_MAX_FILE_BYTES);
  const asked = perMessage ? value : parse.number((msg as { maxBytes?: unknown }).maxBytes, 'msg.maxBytes');
  return asked === undefined ? limit : Math.min(limit, asked);
}

function selectFiles(job: ComputeJob, selection: ResultKind | 'all' | number): ResultFile[] {
  const results = job.results;
  if (typeof selection === 'number') {
    const file = results.find((r) => r.index === selection);
    if (!file) throw invalidInput('result', `the index of one of the job's ${results.length} results (0-${Math.max(0, results.length - 1)})`, selection);
    return [file];
  }
  const files = selection === 'all' ? results : results.filter((r) => r.kind === selection);
  if (files.length === 0 && !job.done) {
    throw new OceanError('RESULT_NOT_READY', `Job ${job.jobId} has no ${selection === 'all' ? '' : `${selection} `}result yet (status ${job.status} ${job.statusText.trim()}); fetch it when the job is done`, { jobId: job.jobId });
  }
  if (files.length === 0) {
    throw invalidInput('result', `a result kind the job has (it has ${[...new Set(results.map((r) => r.kind))].join(', ') || 'no results yet'})`, selection);
  }
  return files;
}
