import type { Wallet } from 'ethers';
import { fillPath, parseRootInfo, type BackendInfo } from './backend';
import { dialectFor, type Dialect } from './dialects';
import { mismatchReason, pickEnvironment, validateConstraints, type ComputeEnvironment, type EnvironmentConstraints } from './environments';
import { OceanError } from './errors';
import { HttpClient, type HttpClientOptions, type HttpRequest } from './http';
import { parseConnectionSettings, type ConnectionInput, type ConnectionSettings } from './settings';
import { walletFromPrivateKey } from './wallet';

export interface OceanClientOptions extends ConnectionInput {
  /** Signs requests and pays; optional for read-only use such as listing environments. */
  privateKey?: string;
  http?: HttpClientOptions;
}

/** The backend as detected once per client. */
export interface Connection {
  info: BackendInfo;
  dialect: Dialect;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * The C2D client facade. It detects the backend once (`GET /`), then talks through that
 * backend's dialect; callers never learn which one it is unless they ask.
 */
export class OceanClient {
  readonly settings: ConnectionSettings;
  private readonly http: HttpClient;
  private readonly wallet?: Wallet;
  private connection?: Promise<Connection>;

  constructor(options: OceanClientOptions) {
    this.settings = parseConnectionSettings(options);
    this.wallet = options.privateKey === undefined ? undefined : walletFromPrivateKey(options.privateKey);
    this.http = new HttpClient(options.http);
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
    const body = await this.http.json(
      await this.endpointRequest('computeEnvironments', 'list compute environments', {
        query: dialect.environmentsQuery(this.settings.chainId),
        signal: options.signal,
        idempotent: true,
      }),
    );
    return dialect.parseEnvironments(body, this.settings.chainId);
  }

  /** The environments that satisfy the constraints (all of them when none are set). */
  async matchingEnvironments(constraints: EnvironmentConstraints, options: CallOptions = {}): Promise<ComputeEnvironment[]> {
    validateConstraints(constraints);
    const all = await this.environments(options);
    return all.filter((env) => mismatchReason(env, constraints) === null);
  }

  async pickEnvironment(constraints: EnvironmentConstraints, options: CallOptions = {}): Promise<ComputeEnvironment> {
    validateConstraints(constraints);
    return pickEnvironment(await this.environments(options), constraints);
  }

  /** Cancels everything in flight; the client cannot be used afterwards. */
  close(): void {
    this.http.close();
  }

  private async detect(options: CallOptions): Promise<Connection> {
    const { providerUrl, chainId } = this.settings;
    const body = await this.http.json({
      operation: 'identify the Ocean backend',
      method: 'GET',
      url: `${providerUrl}/`,
      signal: options.signal,
      idempotent: true,
    });
    const info = parseRootInfo(body, providerUrl);
    if (info.chainIds.length > 0 && !info.chainIds.includes(chainId)) {
      throw new OceanError(
        'UNSUPPORTED_CHAIN',
        `chainId: ${providerUrl} serves chain${info.chainIds.length > 1 ? 's' : ''} ${info.chainIds.join(', ')}, not ${chainId}`,
        { details: { field: 'chainId', served: info.chainIds } },
      );
    }
    return { info, dialect: dialectFor(info.kind) };
  }

  private async endpointRequest(
    name: string,
    operation: string,
    rest: Omit<HttpRequest, 'operation' | 'method' | 'url'> & { pathParams?: Record<string, string> },
  ): Promise<HttpRequest> {
    const { info, dialect } = await this.connect({ signal: rest.signal });
    const endpoint = info.endpoints.get(name);
    if (!endpoint) {
      throw new OceanError(
        'UNSUPPORTED_BACKEND',
        `Could not ${operation}: the ${dialect.label} at ${this.settings.providerUrl} offers no "${name}" endpoint`,
      );
    }
    const { pathParams, ...request } = rest;
    return { ...request, operation, method: endpoint.method, url: `${this.settings.providerUrl}${fillPath(endpoint.path, pathParams)}` };
  }
}
