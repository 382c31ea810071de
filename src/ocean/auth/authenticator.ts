import type { Wallet } from 'ethers';
import type { Dialect, SignedPlan } from '../dialects';
import { OceanError, isOceanError } from '../errors';
import type { HttpRequest } from '../http';
import { sleep } from '../rate-limit-wait';
import { NonceSequence, SerialQueue } from './nonces';
import { signRequest } from './signing';

/**
 * Sends of one signed call when the server refuses its nonce: another program (another Node-RED
 * on the same wallet) may use nonces in between, so the stored one is read again before each.
 * Two hosts starting jobs at once keep overtaking each other's nonces; on a loaded machine five
 * sends were not always enough (1 start in 120 failed), eight with the pauses below are.
 */
export const MAX_NONCE_ATTEMPTS = 8;
/** Before sending again, a random pause of up to this times 2^attempt ms, so two hosts stop colliding. */
const NONCE_RETRY_SPREAD_MS = 10;

/** The pause before the send that follows refused send `attempt` (1-based): random, doubling its range each time. */
export function nonceRetryPauseMs(attempt: number, random: () => number = Math.random): number {
  return random() * NONCE_RETRY_SPREAD_MS * 2 ** attempt;
}

export interface AuthTransport {
  /** Builds the HTTP request for an endpoint of the connected server. */
  request(endpoint: string, operation: string, parts: Pick<HttpRequest, 'query' | 'body' | 'headers' | 'idempotent' | 'signed' | 'signal'>): Promise<HttpRequest>;
  /** Reads the stored nonce of an address. */
  storedNonce(address: string): Promise<bigint>;
  json<T>(request: HttpRequest): Promise<T>;
}

interface Token {
  value: string;
  validUntil: number;
}

/**
 * Authenticates one wallet's signed calls. With an auth token (Ocean Node) calls run in
 * parallel; with per-request signatures they run one at a time, so nonces reach the server in
 * the order they were issued, and a nonce the server refuses is re-learned and retried (bounded).
 */
export class Authenticator {
  private readonly nonces: NonceSequence;
  private readonly queue = new SerialQueue();
  private token?: Promise<Token>;
  /** Token lifetime asked for, and how long before its end a new one is made. */
  private readonly tokenLifetimeMs = 60 * 60 * 1000;
  private readonly tokenRenewBeforeMs = 5 * 60 * 1000;

  constructor(
    private readonly wallet: Wallet,
    private readonly dialect: Dialect,
    private readonly transport: AuthTransport,
    private readonly useToken: boolean,
    private readonly clock: () => number = Date.now,
  ) {
    this.nonces = new NonceSequence(clock);
  }

  get address(): string {
    return this.wallet.address;
  }

  /** Sends a signed call; `send` performs it (as JSON or a stream) and may be called twice. */
  async call<T>(plan: SignedPlan, send: (request: HttpRequest) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (!this.useToken) return this.queue.run(() => this.withNonce(plan, send, signal));
    try {
      return await send(await this.tokenRequest(plan, signal));
    } catch (error) {
      if (!isInvalidToken(error)) throw error;
      this.token = undefined;
      return send(await this.tokenRequest(plan, signal));
    }
  }

  private async withNonce<T>(plan: SignedPlan, send: (request: HttpRequest) => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send(await this.signedRequest(plan, signal));
      } catch (error) {
        if (attempt >= MAX_NONCE_ATTEMPTS || !isOceanError(error) || !this.dialect.isNonceRejection(error)) throw error;
        await sleep(nonceRetryPauseMs(attempt), signal);
        this.nonces.observeStored(await this.transport.storedNonce(this.wallet.address));
      }
    }
  }

  private async signedRequest(plan: SignedPlan, signal?: AbortSignal): Promise<HttpRequest> {
    const nonce = this.nonces.next().toString();
    const signature = await signRequest(this.wallet, plan.message(this.wallet.address, nonce));
    const auth = { nonce: plan.nonceAsNumber ? Number(nonce) : nonce, signature };
    const parts =
      plan.placement === 'body'
        ? { body: { ...plan.body, ...auth }, query: plan.query }
        : { query: { ...plan.query, nonce, signature }, body: plan.body };
    return this.transport.request(plan.endpoint, plan.operation, { ...parts, idempotent: false, signed: true, signal });
  }

  private async tokenRequest(plan: SignedPlan, signal?: AbortSignal): Promise<HttpRequest> {
    const token = await this.currentToken(signal);
    return this.transport.request(plan.endpoint, plan.operation, {
      query: plan.query,
      body: plan.body,
      headers: { Authorization: token.value },
      idempotent: plan.idempotent,
      signed: true,
      signal,
    });
  }

  private async currentToken(signal?: AbortSignal): Promise<Token> {
    const pending = this.token;
    if (pending) {
      const token = await pending.catch(() => undefined);
      if (token && token.validUntil - this.tokenRenewBeforeMs > this.clock()) return token;
      if (this.token === pending) this.token = undefined;
    }
    if (!this.token) {
      this.token = this.createToken(signal);
      this.token.catch(() => {
        this.token = undefined;
      });
    }
    return this.token;
  }

  private async createToken(signal?: AbortSignal): Promise<Token> {
    const tokenPlan = this.dialect.tokenPlan;
    if (!tokenPlan) throw new OceanError('UNSUPPORTED_BACKEND', `The ${this.dialect.label} issues no auth tokens`);
    const validUntil = this.clock() + this.tokenLifetimeMs;
    const plan = tokenPlan(this.wallet.address, validUntil);
    const body = await this.queue.run(() => this.withNonce(plan, (request) => this.transport.json<{ token?: unknown }>(request), signal));
    if (typeof body?.token !== 'string') throw new OceanError('BAD_RESPONSE', 'The server answered the auth token request without a token');
    return { value: body.token, validUntil };
  }
}

function isInvalidToken(error: unknown): error is OceanError {
  return isOceanError(error) && error.code === 'AUTH_REJECTED' && /invalid token/i.test(error.message);
}
