/**
 * Gigabyte results: a job writes a 1 GiB output; `curl -o` fetches it as the yardstick, then the
 * compiled client delivers it to a folder (raw and unpacked) and into memory, each fetch in a
 * fresh process (so its memory peak is its own). A text result over the string limit must be
 * refused before any result request is sent. Every figure is the median over rounds; a round runs
 * curl and each fetch once, in an order that shifts every round, so load on the machine hits both
 * sides of a ratio alike; a first round warms up and is not counted. The server and the fetcher
 * run on CPUs of their own (lib/cpu-pinning.ts). Each round also times Node.js's own `http.get` on
 * the same URL, bytes dropped and bytes piped to a file (lib/node-floor.ts): the floor any Node.js
 * client stands on, reported beside the package's figures. Builds the package first.
 *
 *   npx tsx bench/gigabyte-results.ts     GIB_BENCH_MIB=1024 (result size), GIB_BENCH_RUNS=7 (rounds),
 *                                         GIB_BENCH_ONLY='folder, raw' (only the fetches so named, comma-free names joined by ';')
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Wallet } from 'ethers';
import { testAccount } from '../test/helpers/accounts';
import { startHostileProxy } from '../test/helpers/hostile-proxy';
import { authToken, prepareBigJob, type BigJob } from './lib/big-job';
import { ROOT, buildPackage } from './lib/build';
import { pinServerAndFetcher, type CpuPinning } from './lib/cpu-pinning';
import { measureCurl, type CurlFetch } from './lib/curl';
import { measureNodeFloor, type FloorFetch, type FloorKind } from './lib/node-floor';
import { measureFetch, workerScript } from './lib/fetch-process';
import { atLeast, format, median, mib, reported, type Figure } from './lib/figures';
import type { FetchReport, FetchTask } from './lib/result-fetch-worker';
import { startSandboxProcess } from './lib/sandbox-process';
import { progress, runScenario } from './lib/scenario';

const MiB = 1024 * 1024;
const RESULT_PATH = '/api/services/computeResult';
/** Node's string limit (2^29 − 24 on 64-bit): a smaller result tests the refusal against a lower one. */
const STRING_LIMIT = 2 ** 29 - 24;
const FOLDER_RSS_LIMIT = 64 * MiB;
const MEMORY_PEAK_RATIO = 1.2;

interface Fetch {
  name: string;
  format: FetchTask['format'];
  unpack: boolean;
  /** Sent through a proxy that counts the result requests. */
  countRequests?: boolean;
  /** What is measured: speed (at least `floor`× curl) and memory on disk, memory in a message, or the refusal of text. */
  judged: { as: 'folder'; floor: number } | { as: 'memory' } | { as: 'text' };
}

type Round = FetchReport & { resultRequests: number };

const FETCHES: Fetch[] = [
  { name: 'folder, raw', format: 'file', unpack: false, judged: { as: 'folder', floor: 0.9 } },
  { name: 'folder, unpacked', format: 'file', unpack: true, judged: { as: 'folder', floor: 0.7 } },
  { name: 'memory, raw', format: 'buffer', unpack: false, judged: { as: 'memory' } },
  { name: 'memory, unpacked', format: 'buffer', unpack: true, judged: { as: 'memory' } },
  { name: 'text', format: 'text', unpack: false, countRequests: true, judged: { as: 'text' } },
];

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export async function run(): Promise<Figure[]> {
  const sizeMiB = Number(process.env.GIB_BENCH_MIB ?? 1024);
  const runs = Number(process.env.GIB_BENCH_RUNS ?? 7);
  progress('building the package');
  await buildPackage();
  const pinning = pinServerAndFetcher();
  const privateKey = testAccount(4).privateKey;
  const worker = workerScript();
  const sandbox = await startSandboxProcess();
  const proxy = await startHostileProxy(sandbox.url);
  const resultRequests = (): number => proxy.requests.filter((r) => r.url.startsWith(RESULT_PATH)).length;
  try {
    progress(`preparing a job with a ${sizeMiB} MiB output (load ${loadAverage()}; ${pinning.note})`);
    const job = await prepareBigJob(sandbox.url, privateKey, sizeMiB);
    // The job's output is still in the page cache: written back to disk during the rounds, it
    // would slow whichever fetches it met (the first rounds were the slowest before this).
    await promisify(execFile)('sync');
    const token = await authToken(sandbox.url, privateKey);
    const url = `${sandbox.url}${RESULT_PATH}?consumerAddress=${new Wallet(privateKey).address}&jobId=${encodeURIComponent(job.jobId)}&index=${job.resultIndex}`;
    const stringBytes = job.resultSize > STRING_LIMIT ? undefined : Math.floor(job.resultSize / 2);
    const curl: CurlFetch[] = [];
    const only = process.env.GIB_BENCH_ONLY?.split(';');
    const chosen = FETCHES.filter((f) => !only || only.includes(f.name));
    const rounds = new Map<string, Round[]>(chosen.map((f) => [f.name, []]));
    const loads = [loadAverage()];
    const floors = new Map<FloorKind, FloorFetch[]>([['discard', []], ['file', []]]);
    const steps: Array<Fetch | 'curl' | FloorKind> = ['curl', ...chosen, ...floors.keys()];
    // Round 0 warms up (the page cache, the sandbox's first answers) and is not counted.
    for (let round = 0; round <= runs; round++) {
      // Each round starts one step later, so no fetch always runs right after the same one.
      const shift = round % steps.length;
      for (const step of [...steps.slice(shift), ...steps.slice(0, shift)]) {
        if (step === 'curl') {
          const fetched = await measureCurl(url, token, pinning);
          if (fetched.bytes !== job.resultSize) throw new Error(`curl fetched ${fetched.bytes} bytes of ${job.resultSize}`);
          curl.push(fetched);
          continue;
        }
        if (step === 'discard' || step === 'file') {
          const fetched = await measureNodeFloor(url, token, step, pinning);
          if (fetched.bytes !== job.resultSize) throw new Error(`Node.js's http.get (${step}) fetched ${fetched.bytes} bytes of ${job.resultSize}`);
          floors.get(step)!.push(fetched);
          continue;
        }
        const before = resultRequests();
        const task: FetchTask = {
          root: ROOT,
          providerUrl: step.countRequests ? proxy.url : sandbox.url,
          jobId: job.jobId,
          privateKey,
          format: step.format,
          unpack: step.unpack,
          maxBytes: 2 * job.resultSize,
          stringBytes: step.format === 'text' ? stringBytes : undefined,
        };
        const report = await measureFetch(worker.path, task, pinning);
        rounds.get(step.name)!.push({ ...report, resultRequests: resultRequests() - before });
      }
      const times = chosen.map((f) => {
        const last = rounds.get(f.name)!.at(-1)!;
        return `${f.name} ${last.ms.toFixed(0)} ms (CPU ${last.cpuMs.toFixed(0)}, system ${last.systemMs.toFixed(0)}, faults ${last.minorFaults}, switches ${last.switches.voluntary}+${last.switches.involuntary})`;
      });
      const floorTimes = [...floors].map(([kind, list]) => `node ${kind} ${list.at(-1)!.ms.toFixed(0)} ms (CPU ${list.at(-1)!.cpuMs.toFixed(0)})`);
      progress(`${round === 0 ? 'warm-up' : `round ${round}/${runs}`}: curl ${curl.at(-1)!.ms.toFixed(0)} ms; ${[...times, ...floorTimes].join('; ')} (load ${loadAverage()})`);
      if (round > 0) loads.push(loadAverage());
    }
    curl.shift();
    for (const list of [...rounds.values(), ...floors.values()]) list.shift();
    return figures(job, curl, chosen, rounds, { pinning, loads, stringBytes, floors });
  } finally {
    await proxy.close();
    await sandbox.stop();
    worker.remove();
  }
}

interface Context {
  pinning: CpuPinning;
  loads: string[];
  stringBytes?: number;
  floors: Map<FloorKind, FloorFetch[]>;
}

const FLOOR_NAMES: Record<FloorKind, string> = {
  discard: "Node.js's own http.get, bytes dropped",
  file: "Node.js's own http.get piped to a file, no checks",
};

function figures(job: BigJob, curl: CurlFetch[], fetches: Fetch[], rounds: Map<string, Round[]>, context: Context): Figure[] {
  const size = job.resultSize;
  const of = (name: string): Round[] => rounds.get(name)!;
  const complete = (name: string): boolean => of(name).every((r) => r.errorCode === undefined && r.bytes >= size - 64 * 1024);
  /** Per round, curl's time over the client's: 1 is curl's speed. */
  const speed = (name: string): number => median(of(name).map((r, i) => curl[i]!.ms / r.ms));
  const cpu = (name: string): number => median(of(name).map((r, i) => r.cpuMs / curl[i]!.cpuMs));
  const ms = (name: string): number => median(of(name).map((r) => r.ms));
  const growth = (name: string): number => median(of(name).map((r) => r.rssGrowth));
  const peak = (name: string): number => median(of(name).map((r) => r.rssPeak));
  const curlMs = median(curl.map((c) => c.ms));
  const speedFigure = (name: string, floor: number): Figure => {
    const system = median(of(name).map((r) => r.systemMs));
    const figure = atLeast(`${name}: speed (median ${format(ms(name))} ms, CPU ${cpu(name).toFixed(2)}× curl's, in the kernel ${format(system)} ms)`, speed(name), floor, '× curl', 2);
    return complete(name) ? figure : { ...figure, measured: `${figure.measured}, INCOMPLETE`, pass: false };
  };
  const folderFigures = (name: string, floor: number): Figure[] => [
    speedFigure(name, floor),
    { figure: `${name}: RSS growth (whole process at peak: ${mib(peak(name), 0)})`, target: `< ${mib(FOLDER_RSS_LIMIT, 0)}`, measured: mib(growth(name)), pass: growth(name) < FOLDER_RSS_LIMIT },
  ];
  const memoryFigures = (name: string): Figure[] => {
    const ratio = growth(name) / size;
    return [
      { figure: `${name}: peak RSS growth / result size`, target: `< ${MEMORY_PEAK_RATIO}`, measured: `${ratio.toFixed(2)} (${mib(growth(name), 0)})`, pass: complete(name) && ratio < MEMORY_PEAK_RATIO },
      reported(`${name}: speed (median ${format(ms(name))} ms)`, `${speed(name).toFixed(2)}× curl`),
    ];
  };
  const textFigures = (name: string): Figure[] => {
    const text = of(name);
    const limit = context.stringBytes === undefined ? "Node's string limit" : `a string limit lowered to ${mib(context.stringBytes, 0)}`;
    return [
      {
        figure: `${name} over ${limit}: refused before the download`,
        target: 'RESULT_TOO_LARGE, 0 result requests',
        measured: `${[...new Set(text.map((r) => r.errorCode ?? 'delivered'))].join('/')}, ${Math.max(...text.map((r) => r.resultRequests))} result requests`,
        pass: text.every((r) => r.errorCode === 'RESULT_TOO_LARGE' && r.resultRequests === 0),
      },
    ];
  };
  const judge = ({ name, judged }: Fetch): Figure[] => {
    if (judged.as === 'folder') return folderFigures(name, judged.floor);
    return judged.as === 'memory' ? memoryFigures(name) : textFigures(name);
  };
  return [
    reported(`curl -o, ${mib(size, 0)} (median ${format(curlMs)} ms, CPU ${format(median(curl.map((c) => c.cpuMs)))} ms; ${curl.length} rounds)`, `${format(size / MiB / (curlMs / 1000))} MiB/s`),
    ...fetches.flatMap(judge),
    ...[...context.floors].map(([kind, list]) => {
      const speed = median(list.map((f, i) => curl[i]!.ms / f.ms));
      return reported(`reference: ${FLOOR_NAMES[kind]} (median ${format(median(list.map((f) => f.ms)))} ms, CPU ${format(median(list.map((f) => f.cpuMs)))} ms)`, `${speed.toFixed(2)}× curl`);
    }),
    reported('CPU placement', context.pinning.note),
    reported('load average (1/5/15 min), at start and after each round', context.loads.join(' | ')),
  ];
}

runScenario(module, run);
