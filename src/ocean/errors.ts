/**
 * Typed errors of the C2D client. Every failure the client reports is an OceanError with a
 * stable `code`, so flows can branch on `msg.error.code` instead of parsing message text.
 */
export type OceanErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_CONFIG'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'BAD_RESPONSE'
  | 'REQUEST_REJECTED'
  | 'AUTH_REJECTED'
  | 'ACCESS_DENIED'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'UNSUPPORTED_CHAIN'
  | 'UNSUPPORTED_BACKEND'
  | 'NO_MATCHING_ENVIRONMENT'
  | 'DDO_NOT_FOUND'
  | 'NOT_CONSUMABLE'
  | 'ORDER_INVALID'
  | 'RESULT_NOT_READY'
  | 'RESULT_TOO_LARGE'
  | 'UNSAFE_RESULT'
  | 'INSUFFICIENT_FUNDS'
  | 'PAYMENT_LIMIT'
  | 'PAYMENT_REFUSED'
  | 'WRONG_CHAIN'
  | 'TRANSACTION_FAILED';

export interface OceanErrorOptions {
  httpStatus?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  jobId?: string;
  details?: Record<string, unknown>;
}

/** The plain, JSON-safe view of an error that nodes put on messages. */
export interface OceanErrorInfo {
  code: OceanErrorCode;
  message: string;
  httpStatus?: number;
  retryable: boolean;
  retryAfterMs?: number;
  jobId?: string;
  details?: Record<string, unknown>;
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<OceanErrorCode> = new Set<OceanErrorCode>([
  'UNREACHABLE',
  'TIMEOUT',
  'RATE_LIMITED',
]);

export class OceanError extends Error {
  readonly code: OceanErrorCode;
  readonly httpStatus?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly jobId?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: OceanErrorCode, message: string, options: OceanErrorOptions = {}) {
    super(message);
    this.name = 'OceanError';
    this.code = code;
    this.httpStatus = options.httpStatus;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.jobId = options.jobId;
    this.details = options.details;
  }

  /** A copy of this error that names the job it concerns. */
  forJob(jobId: string): OceanError {
    if (this.jobId === jobId) return this;
    const copy = new OceanError(this.code, this.message, { ...this.info(), jobId });
    copy.stack = this.stack;
    return copy;
  }

  info(): OceanErrorInfo {
    const info: OceanErrorInfo = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.httpStatus !== undefined) info.httpStatus = this.httpStatus;
    if (this.retryAfterMs !== undefined) info.retryAfterMs = this.retryAfterMs;
    if (this.jobId !== undefined) info.jobId = this.jobId;
    if (this.details !== undefined) info.details = this.details;
    return info;
  }

  toJSON(): OceanErrorInfo {
    return this.info();
  }
}

export function isOceanError(err: unknown): err is OceanError {
  return err instanceof OceanError;
}

/** Describes a value for an error message without ever echoing long or secret-looking strings. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value.length === 0) return 'an empty string';
    if (value.length > 40) return `a ${value.length}-character string`;
    return JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}

/** "<field>: expected <what>, got <value>" — the one shape of every input error. */
export function invalidInput(field: string, expected: string, got?: unknown, options?: { hideValue?: boolean }): OceanError {
  const shown = options?.hideValue ? '' : `, got ${describeValue(got)}`;
  return new OceanError('INVALID_INPUT', `${field}: expected ${expected}${shown}`, { details: { field } });
}

export function invalidConfig(field: string, expected: string, got?: unknown, options?: { hideValue?: boolean }): OceanError {
  const shown = options?.hideValue ? '' : `, got ${describeValue(got)}`;
  return new OceanError('INVALID_CONFIG', `${field}: expected ${expected}${shown}`, { details: { field } });
}
