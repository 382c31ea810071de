import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { ComputeJob, ResultFile, ResultKind } from '../ocean';
import { OceanError, invalidInput } from '../ocean/errors';
import { configNodeFor } from './lib/config-node';
import { InFlight } from './lib/in-flight';
import { jobDid, readJobId } from './lib/job-id';
import { mergeOcean } from './lib/message';
import { reportFailure } from './lib/node-error';
import { parse, readOption } from './lib/options';
import { deliverResults, type ResultFormat } from './lib/result-delivery';
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
  folder: string;
  folderType: string;
  maxBytes: string;
  maxBytesType: string;
}

const KINDS = ['output', 'algorithmLog', 'configurationLog', 'imageLog', 'filteringLog', 'publishLog', 'all'] as const;
const FORMATS = ['auto', 'buffer', 'text', 'json', 'file'] as const;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

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

    this.on('input', async (msg: NodeMessageInFlow, send, done) => {
      try {
        const connection = configNodeFor(RED, def.server);
        const client = connection.getClient();
        const jobId = await readJobId(RED, this, msg, def);
        const read = <T>(field: string, msgProperty: string, parser: (value: unknown, name: string) => T | undefined): Promise<T | undefined> =>
          readOption(RED, this, msg, def, { field, msg: msgProperty, parse: parser });
        const selection = (await read('result', 'result', parseSelection)) ?? 'output';
        const format: ResultFormat = (await read('format', 'format', parse.oneOf(FORMATS))) ?? 'auto';
        const folder = await read('folder', 'folder', parse.string);
        const maxBytes = (await read('maxBytes', 'maxBytes', parse.number)) ?? DEFAULT_MAX_BYTES;
        const unpack = parse.boolean((msg as { unpack?: unknown }).unpack, 'msg.unpack') ?? def.unpack !== false;
        inFlight.start();

        const job = await client.getJob(jobId, { did: jobDid(msg) });
        const files = selectFiles(job, selection);
        const delivered = await deliverResults(client, jobId, files, { format, unpack, maxBytes, folder });
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
