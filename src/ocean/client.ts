import type { Readable } from 'node:stream';
import type { Wallet } from 'ethers';
import { Authenticator } from './auth/authenticator';
import { fillPath, parseRootInfo, providerAddressFor, type BackendInfo } from './backend';
import { DdoResolver, type Ddo, type DdoService } from './ddo';
import { dialectFor, type Dialect, type PlainPlan, type SignedPlan } from './dialects';
import { mismatchReason, pickEnvironment, validateConstraints, type ComputeEnvironment, type EnvironmentConstraints } from './environments';
import { OceanError, invalidInput, isOceanError } from './errors';
import { HttpClient, type HttpClientOptions, type HttpRequest } from './http';
import type { ComputeJob, ResultFile, ResultKind } from './jobs';
import { validateStartRequest, type StartJobRequest } from './job-request';
import { isRecord } from './server-message';
import { parseConnectionSettings, type ConnectionInput, type ConnectionSettings } from './settings';
import type { AccountView, Withdrawal } from './payment/account';
import type { BudgetOptions, Payments } from './payment/payments';
import { loadPayments } from './load-on-use';
import type { JobQuote } from './payment/quote';
import type { PaymentOptions } from './payment/types';
import { EnvironmentCache } from './environment-cache';
import { retryRateLimited, type RateLimitWaits } from './rate-limit-wait';
import { checkAssets, withServiceIds, type CheckedAsset } from './start-checks';
import { startCandidates, startOutcomeUnknown, unknownStart } from './start-recovery';
import { checkPrivateKey, walletFromPrivateKey } from './wallet';

export interface OceanClientOptions extends ConnectionInput {
  /** Signs requests and pays; optional for read-only use such as listing environments. */
  privateKey?: string;
  http?: HttpClientOptions;
  /** Use an Ocean Node auth token instead of one signature per request (default true). */
  useAuthToken?: boolean;
  /** Receipt timeout and escrow limits for paid jobs. */
  payment?: PaymentOptions;
  /** What paid jobs may commit, per job and per period, and where that is counted. */
  budget?: BudgetOptions;
  /** How long a signed call refused with 429 may wait to be sent again. */
  rateLimit?: RateLimitWaits;
  /** This host's clock, for nonces and token lifetimes (tests set a skewed one). */
  clock?: () => number;
}

/** The backend as detected once per client. */
export interface Connection {
  info: BackendInfo;
  dialect: Dialect;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Told when a signed call waits out a backend's rate limit before sending again. */
  onRateLimit?(waitMs: number): void;
}

export interface StartOptions extends CallOptions {
  /** Ask the provider whether the assets' files are reachable, as ocean.py does (default true). */
  connectivityCheck?: boolean;
}

export interface JobOptions extends CallOptions {
  /** The job's dataset DID: Provider v2 signs it into stop requests. */
  did?: string;
}

export interface ResultStream {
  file?: ResultFile;
  stream: Readable;
  contentType?: string;
  /** The body's length as the server announced it (Content-Length); compressed bodies arrive longer. */
  announcedBytes?: number;
}

/**
 * The C2D client facade. It detects the backend once (`GET /`), then talks through that
 * backend's dialect; callers never learn which one it is unless they ask.
 */
export class OceanClient {
  readonly settings: ConnectionSettings;
  private readonly http: HttpClient;
  private readonly privateKey?: string;
  private walletInstance?: Wallet;
  private readonly ddos: DdoResolver;
  private readonly useAuthToken: boolean;
  private paymentsInstance?: Payments;
  private readonly paymentOptions: PaymentOptions;
  private readonly budget?: BudgetOptions;
  private readonly environmentCache: EnvironmentCache;
  private readonly rateLimit: RateLimitWaits;
  private readonly clock: () => number;
  /** Aborts waits (rate limits) when the client closes. */
  private readonly closing = new AbortController();
  /** Jobs this client started: a start that lost its answer is not matched to one of them. */
  private readonly started = new Set<string>();
  /** Starts waiting for their answer. */
  private readonly starting = new Set<Promise<unknown>>();
  private connection?: Promise<Connection>;
  private authenticator?: Authenticator;

  constructor(options: OceanClientOptions) {
    this.settings = parseConnectionSettings(options);
    this.privateKey = options.privateKey === undefined ? undefined : checkPrivateKey(options.privateKey);
    this.paymentOptions = options.payment ?? {};
    this.budget = options.budget;
    this.http = new HttpClient(options.http);
    this.ddos = new DdoResolver(this.http, this.settings.aquariusUrl);
    this.useAuthToken = options.useAuthToken ?? true;
    this.rateLimit = options.rateLimit ?? {};
    this.clock = options.clock ?? Date.now;
    this.environmentCache = new EnvironmentCache(() => this.environments());
  }

  /** The signer, made on first use (ethers is loaded then). */
  private get wallet(): Wallet | undefined {
    if (this.privateKey === undefined) return undefined;
    return (this.walletInstance ??= walletFromPrivateKey(this.privateKey));
  }

  /** Orders, escrow and budgets, loaded and made on first use: only paid jobs and the wallet view need them. */
  private get payments(): Payments {
    return (this.paymentsInstance ??= new (loadPayments().Payments)(
      {
        settings: this.settings,
        environments: () => this.environmentCache.get(),
        providerAddress: async () => providerAddressFor((await this.connect()).info, this.settings.chainId),
        send: (plan) => this.plain(plan, {}),
        wallet: (action) => this.needWallet(action),
        jobs: () => this.listJobs(),
      },
      this.paymentOptions,
      this.budget,
    ));
  }

  /** The wallet's address (EIP-55), or undefined without a key. */
  get address(): string | undefined {
    return this.wallet?.address;
  }

  get closed(): boolean {
    return this.http.closed;
  }

  /** Detects the backend on first use and reuses the answer; a failed detection is retried next time. */
  connect(options: CallOptions = {}): Promise<Connection> {
    if (!this.connection) {
      this.connection = this.detect(options).catch((error: unknown) => {
        this.connection = undefined;
        throw error;
      });
    }
    return this.connection;
  }

  async environments(options: CallOptions = {}): Promise<ComputeEnvironment[]> {
    const { dialect } = await this.connect(options);
    const body = await this.plain({ endpoint: 'computeEnvironments', operation: 'list compute environments', query: dialect.environmentsQuery(this.settings.chainId), idempotent: true }, options);
    return dialect.parseEnvironments(body, this.settings.chainId);
  }

  /** The environments that satisfy the constraints (all of them when none are set). */
  async matchingEnvironments(constraints: EnvironmentConstraints, options: CallOptions = {}): Promise<ComputeEnvironment[]> {
    validateConstraints(constraints);
    const all = await this.environments(options);
    return all.filter((env) => mismatchReason(env, constraints) === null);
  }

  /** The first environment that fits; the list is shared with other picks of the last few seconds. */
  async pickEnvironment(constraints: EnvironmentConstraints): Promise<ComputeEnvironment> {
    validateConstraints(constraints);
    return pickEnvironment(await this.environmentCache.get(), constraints);
  }

  resolveDdo(did: string, options: CallOptions = {}): Promise<Ddo> {
    return this.ddos.resolve(did, options.signal);
  }

  /**
   * Starts a job: checks the request, resolves and checks every published asset (ocean.py's
   * `is_consumable`), pays what the job needs (orders; Ocean Node escrow), then signs and sends
   * it. Nothing is paid before the checks pass; orders given as transferTxId are not paid again.
   */
  startJob(request: StartJobRequest, options: StartOptions = {}): Promise<ComputeJob> {
    const start = this.start(request, options);
    this.starting.add(start);
    const forget = (): void => {
      this.starting.delete(start);
    };
    start.then(forget, forget);
    return start;
  }

  /** True for a job this client started. */
  startedHere(jobId: string): boolean {
    return this.started.has(jobId);
  }

  /** Resolves once no start of this client is waiting for its answer (never rejects). */
  async startsSettled(): Promise<void> {
    while (this.starting.size > 0) await Promise.allSettled([...this.starting]);
  }

  private async start(request: StartJobRequest, options: StartOptions): Promise<ComputeJob> {
    const { dialect, auth, checked, ready } = await this.checkStart(request, options);
    const prepared = await this.payments.prepare(ready, checked, dialect, auth.address);
    const sentAt = Date.now();
    let body: unknown;
    try {
      body = await this.signed(auth, dialect, dialect.startPlan(auth.address, prepared.request), options);
    } catch (error) {
      let recovered: ComputeJob | undefined;
      try {
        recovered = startOutcomeUnknown(error) ? await this.recoverStart(dialect, prepared.request, sentAt, error, options) : undefined;
      } catch (unknown) {
        // No job found, or none could be told: the start has its answer all the same.
        await prepared.failed(unknown);
        throw unknown;
      }
      if (!recovered) {
        await prepared.failed(error);
        throw error;
      }
      body = [recovered.raw];
    }
    await prepared.started();
    const [job] = dialect.parseJobs(body);
    if (!job) throw new OceanError('BAD_RESPONSE', `The ${dialect.label} accepted the job but answered no job id`);
    this.started.add(job.jobId);
    return job;
  }

  /**
   * Starts on an environment picked by `constraints`. A start refused because the environment
   * turned out to be full reads the list again, once, and starts on what it then picks.
   */
  async startPicked(request: Omit<StartJobRequest, 'environment'>, constraints: EnvironmentConstraints, options: StartOptions = {}): Promise<ComputeJob & { environment: string }> {
    const first = (await this.pickEnvironment(constraints)).id;
    try {
      return { ...(await this.startJob({ ...request, environment: first }, options)), environment: first };
    } catch (error) {
      const { dialect } = await this.connect(options);
      if (!isOceanError(error) || !dialect.lacksRoom(error)) throw error;
      this.environmentCache.forget();
      const again = (await this.pickEnvironment(constraints)).id;
      return { ...(await this.startJob({ ...request, environment: again }, options)), environment: again };
    }
  }

  /**
   * After a start that got no usable answer: the wallet's jobs tell whether it started after all.
   * Resolves with the job when exactly one matches; otherwise throws the error, saying what is
   * known (no job, several candidates, or that it could not be checked).
   */
  private async recoverStart(dialect: Dialect, request: StartJobRequest, sentAt: number, error: OceanError, options: CallOptions): Promise<ComputeJob> {
    let jobs: ComputeJob[];
    try {
      jobs = await this.listJobs({ signal: options.signal });
    } catch {
      throw unknownStart(error, undefined);
    }
    const candidates = startCandidates(dialect.kind, request, jobs, sentAt, this.started);
    const [only] = candidates;
    if (!only || candidates.length > 1) throw unknownStart(error, candidates);
    return only;
  }

  /**
   * What starting the job would commit, per token, which orders would be reused, and whether the
   * budget allows it: everything a start checks and asks, but no transaction and no job.
   */
  async quoteJob(request: StartJobRequest, options: StartOptions = {}): Promise<JobQuote> {
    const { dialect, auth, checked, ready } = await this.checkStart(request, options);
    return this.payments.quote(ready, checked, dialect, auth.address);
  }

  /** The wallet: the chain's coin, fee tokens and budget tokens, escrow funds (Ocean Node), and the budgets' room. */
  async account(options: CallOptions = {}): Promise<AccountView> {
    const feeTokens = [...new Set((await this.environments(options)).flatMap((env) => env.feeTokens))];
    const { dialect } = await this.connect(options);
    return this.payments.account(feeTokens, dialect.kind === 'ocean-node');
  }

  /** Takes unlocked escrow funds of `token` back into the wallet: `amount` (token units, "2.5") or all that is available. */
  withdrawEscrow(token: string, amount?: string): Promise<Withdrawal> {
    return this.payments.withdraw(token, amount);
  }

  /** The checks every start (and quote) makes before anything is paid or sent. */
  private async checkStart(request: StartJobRequest, options: StartOptions): Promise<{ dialect: Dialect; auth: Authenticator; checked: CheckedAsset[]; ready: StartJobRequest }> {
    validateStartRequest(request);
    const { dialect } = await this.connect(options);
    dialect.validateStart(request);
    const auth = await this.auth(options);
    const checked = await checkAssets(request, auth.address, {
      resolve: (did) => this.resolveDdo(did, options),
      reachable: options.connectivityCheck === false ? undefined : (ddo, service) => this.filesReachable(ddo, service, options),
    });
    return { dialect, auth, checked, ready: withServiceIds(request, checked) };
  }

  /** One job's status. */
  async getJob(jobId: string, options: JobOptions = {}): Promise<ComputeJob> {
    requireJobId(jobId);
    const { dialect } = await this.connect(options);
    const consumerAddress = this.wallet?.address ?? (dialect.kind === 'provider-v2' ? this.needWallet('read a job status').address : undefined);
    const plan = dialect.statusPlan({ consumerAddress: consumerAddress ?? '', jobId, did: options.did });
    if (!consumerAddress) delete plan.query?.consumerAddress;
    const jobs = dialect.parseJobs(await this.plain(plan, options, jobId));
    // Only the exact id: an id the backend cannot read makes it list every job of the wallet.
    const job = jobs.find((j) => j.jobId === jobId);
    if (!job) {
      throw new OceanError('NOT_FOUND', `Job ${jobId} is not known to ${this.settings.providerUrl} for wallet ${consumerAddress ?? '(none)'}`, { jobId });
    }
    return job;
  }

  /** Every job of the wallet, in one request; read as it arrives, so a long history does not block. */
  async listJobs(options: CallOptions = {}): Promise<ComputeJob[]> {
    const { dialect } = await this.connect(options);
    const consumerAddress = this.needWallet('list the wallet\'s jobs').address;
    const plan = dialect.statusPlan({ consumerAddress });
    const body = await this.guard(dialect, undefined, async () =>
      this.http.jsonList(await this.endpointRequest(plan.endpoint, plan.operation, { query: plan.query, body: plan.body, idempotent: plan.idempotent, signal: options.signal })),
    );
    return dialect.parseJobs(body);
  }

  /** Asks the backend to stop a job; answers the job as the backend reports it right after. */
  async stopJob(jobId: string, options: JobOptions = {}): Promise<ComputeJob> {
    requireJobId(jobId);
    const { dialect } = await this.connect(options);
    const auth = await this.auth(options);
    const plan = dialect.stopPlan({ consumerAddress: auth.address, jobId, did: options.did });
    const jobs = dialect.parseJobs(await this.signed(auth, dialect, plan, options, jobId));
    const job = jobs.find((j) => j.jobId === jobId);
    if (!job) throw new OceanError('NOT_FOUND', `Job ${jobId} is not known to ${this.settings.providerUrl}; nothing was stopped`, { jobId });
    return job;
  }

  /** Streams one result file. The caller must consume or destroy the stream. */
  async openResult(jobId: string, index: number, options: CallOptions & { file?: ResultFile } = {}): Promise<ResultStream> {
    requireJobId(jobId);
    if (!Number.isInteger(index) || index < 0) throw new OceanError('INVALID_INPUT', `index: expected a result index of 0 or more, got ${String(index)}`);
    const { dialect } = await this.connect(options);
    const auth = await this.auth(options);
    const plan = dialect.resultPlan({ consumerAddress: auth.address, jobId }, index);
    const response = await retryRateLimited(() => this.guard(dialect, jobId, () => auth.call(plan, (request) => this.http.stream(request), options.signal)), this.rateLimit, this.closing.signal, {
      onWait: options.onRateLimit,
      signal: options.signal,
    });
    if (response.headers['content-length'] === '0' && !response.headers['content-type']) {
      response.stream.destroy();
      throw new OceanError('RESULT_NOT_READY', `Result ${index} of job ${jobId} is not available (yet): the job may still be running, or has no such result`, { jobId });
    }
    const length = response.headers['content-length'];
    const announcedBytes = length && /^\d{1,15}$/.test(length) ? Number(length) : undefined;
    return { file: options.file, stream: response.stream, contentType: response.headers['content-type'], announcedBytes };
  }

  /** Whether the backend streams a running job's log (Ocean Node does; Provider v2 does not). */
  async hasLiveLogs(options: CallOptions = {}): Promise<boolean> {
    const { info, dialect } = await this.connect(options);
    return dialect.liveLogPlan !== undefined && info.endpoints.has('computeStreamableLogs');
  }

  /**
   * The algorithm's output while the job runs, Docker-framed, from its first byte; the stream ends
   * when the algorithm does. NOT_FOUND once the job no longer runs. The caller must consume or destroy it.
   */
  async openLiveLog(jobId: string, options: CallOptions = {}): Promise<Readable> {
    requireJobId(jobId);
    const { dialect } = await this.connect(options);
    if (!dialect.liveLogPlan) throw new OceanError('UNSUPPORTED_BACKEND', `A ${dialect.label} has no live logs; read the algorithm log when job ${jobId} has ended`, { jobId });
    const auth = await this.auth(options);
    const plan = dialect.liveLogPlan({ consumerAddress: auth.address, jobId });
    const response = await retryRateLimited(() => this.guard(dialect, jobId, () => auth.call(plan, (request) => this.http.stream(request), options.signal)), this.rateLimit, this.closing.signal, {
      onWait: options.onRateLimit,
      signal: options.signal,
    });
    return response.stream;
  }

  /** The result files of a job that are of one kind (ocean.py's `compute_job_result_logs`, fetching only those). */
  async resultFilesOfKind(jobId: string, kind: ResultKind, options: JobOptions = {}): Promise<ResultFile[]> {
    const job = await this.getJob(jobId, options);
    return job.results.filter((file) => file.kind === kind);
  }

  /** Cancels everything in flight; the client cannot be used afterwards. */
  close(): void {
    this.closing.abort();
    this.http.close();
    this.paymentsInstance?.close();
  }

  private async detect(options: CallOptions): Promise<Connection> {
    const { providerUrl, chainId } = this.settings;
    const body = await this.http.json({ operation: 'identify the Ocean backend', method: 'GET', url: `${providerUrl}/`, signal: options.signal, idempotent: true });
    const info = parseRootInfo(body, providerUrl);
    if (info.chainIds.length > 0 && !info.chainIds.includes(chainId)) {
      throw new OceanError('UNSUPPORTED_CHAIN', `chainId: ${providerUrl} serves chain${info.chainIds.length > 1 ? 's' : ''} ${info.chainIds.join(', ')}, not ${chainId}`, {
        details: { field: 'chainId', served: info.chainIds },
      });
    }
    return { info, dialect: dialectFor(info.kind) };
  }

  private needWallet(action: string): Wallet {
    if (!this.wallet) {
      throw new OceanError('INVALID_CONFIG', `privateKey: a wallet key is needed to ${action}; set one in the connection`, { details: { field: 'privateKey' } });
    }
    return this.wallet;
  }

  private async auth(options: CallOptions): Promise<Authenticator> {
    const wallet = this.needWallet('sign requests');
    const { info, dialect } = await this.connect(options);
    if (!this.authenticator) {
      const useToken = this.useAuthToken && dialect.tokenEndpoint !== undefined && info.endpoints.has(dialect.tokenEndpoint);
      this.authenticator = new Authenticator(wallet, dialect, {
        request: (endpoint, operation, parts) => this.endpointRequest(endpoint, operation, parts),
        storedNonce: async (address) => dialect.parseNonce(await this.plain({ endpoint: 'nonce', operation: 'read the wallet\'s nonce', query: { userAddress: address }, idempotent: true }, options)),
        json: (request) => this.http.json(request),
      }, useToken, this.clock);
    }
    return this.authenticator;
  }

  /** A signed call; refused with 429 before the backend did anything, it waits and is sent again (bounded). */
  private signed(auth: Authenticator, dialect: Dialect, plan: SignedPlan, options: CallOptions, jobId?: string): Promise<unknown> {
    return retryRateLimited(() => this.guard(dialect, jobId, () => auth.call(plan, (request) => this.http.json(request), options.signal)), this.rateLimit, this.closing.signal, {
      onWait: options.onRateLimit,
      signal: options.signal,
    });
  }

  private async plain(plan: PlainPlan, options: CallOptions, jobId?: string): Promise<unknown> {
    const { dialect } = await this.connect(options);
    return this.guard(dialect, jobId, async () =>
      this.http.json(await this.endpointRequest(plan.endpoint, plan.operation, { query: plan.query, body: plan.body, idempotent: plan.idempotent, signal: options.signal })),
    );
  }

  /** Gives errors their backend-specific code and the job id they concern. */
  private async guard<T>(dialect: Dialect, jobId: string | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!isOceanError(error)) throw error;
      const refined = dialect.refineError(error);
      throw jobId ? refined.forJob(jobId) : refined;
    }
  }

  private async filesReachable(ddo: Ddo, service: DdoService, options: CallOptions): Promise<boolean> {
    const { info } = await this.connect(options);
    const endpoint = info.endpoints.has('fileInfo') ? 'fileInfo' : 'fileinfo';
    if (!info.endpoints.has(endpoint)) return true;
    try {
      const answer = await this.plain({ endpoint, operation: `check the files of ${ddo.id}`, body: { did: ddo.id, serviceId: service.id } }, options);
      return Array.isArray(answer) && answer.some((item) => isRecord(item) && item.valid === true);
    } catch (error) {
      if (isOceanError(error) && error.httpStatus !== undefined && error.httpStatus < 500) return false;
      throw error;
    }
  }

  private async endpointRequest(name: string, operation: string, parts: Pick<HttpRequest, 'query' | 'body' | 'headers' | 'idempotent' | 'signed' | 'signal'> & { pathParams?: Record<string, string> }): Promise<HttpRequest> {
    const { info, dialect } = await this.connect({ signal: parts.signal });
    const endpoint = info.endpoints.get(name);
    if (!endpoint) throw new OceanError('UNSUPPORTED_BACKEND', `Could not ${operation}: the ${dialect.label} at ${this.settings.providerUrl} offers no "${name}" endpoint`);
    const { pathParams, ...request } = parts;
    return { ...request, operation, method: endpoint.method, url: `${this.settings.providerUrl}${fillPath(endpoint.path, pathParams)}` };
  }
}

/** Job ids are short and printable on both backends; anything else is refused before it is sent or echoed. */
const JOB_ID = /^[\w.:-]{1,256}$/;

function requireJobId(jobId: string): void {
  if (typeof jobId !== 'string' || !JOB_ID.test(jobId)) throw invalidInput('jobId', 'the id compute-start returned (letters, digits, "-", "_", ".", ":"; at most 256)', jobId);
}
