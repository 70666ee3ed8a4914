/**
 * The one error vocabulary of the API (spec/CONTRACTS.md) and the one place that maps it to HTTP
 * statuses and Connect codes. Messages are for people and never carry internals; the cause stays
 * on the error for logs.
 */
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import type { ErrorCode } from '@kombify/proto/error-codes';
import { BadRequestSchema } from '@kombify/proto/google/rpc';
import { type Issue, issuesIn } from '@kombify/proto/issue';

export type { ErrorCode };

/** Each code's HTTP status. `satisfies` makes it exhaustive: a code added to the enum must be mapped here. */
export const errorStatus = {
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_INSUFFICIENT: 403,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  /** A plan limit or a pool (SSH ports) is used up (CONTRACTS.md: 507). */
  RESOURCE_LIMIT: 507,
  /** KombiSim (CONTRACTS.md). */
  SIMULATION_NOT_FOUND: 404,
  NODE_NOT_FOUND: 404,
  TEMPLATE_NOT_FOUND: 404,
  ALREADY_RUNNING: 409,
} as const satisfies Record<ErrorCode, number>;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  /** Extra response headers (Retry-After on 429, for one). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: unknown; cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'ApiError';
    this.code = code;
    this.details = options?.details;
    this.headers = options?.headers ?? {};
  }

  get status(): (typeof errorStatus)[ErrorCode] {
    return errorStatus[this.code];
  }
}

export function toConnectCode(code: ErrorCode): Code {
  switch (code) {
    case 'AUTH_REQUIRED':
    case 'AUTH_INVALID':
      return Code.Unauthenticated;
    case 'AUTH_INSUFFICIENT':
      return Code.PermissionDenied;
    case 'NOT_FOUND':
    case 'SIMULATION_NOT_FOUND':
    case 'NODE_NOT_FOUND':
    case 'TEMPLATE_NOT_FOUND':
      return Code.NotFound;
    case 'ALREADY_RUNNING':
      return Code.AlreadyExists;
    case 'VALIDATION_FAILED':
      return Code.InvalidArgument;
    case 'CONFLICT':
      return Code.FailedPrecondition;
    case 'RATE_LIMITED':
      return Code.ResourceExhausted;
    case 'INTERNAL_ERROR':
      return Code.Internal;
    case 'SERVICE_UNAVAILABLE':
      return Code.Unavailable;
    case 'RESOURCE_LIMIT':
      return Code.ResourceExhausted;
  }
}

/** The per-field issues of an ApiError (`details: [{ path, code, message }]`), if it has any. */
export function fieldIssues(error: ApiError): Issue[] {
  return issuesIn(error.details);
}

/**
 * For Connect handlers: an ApiError becomes a ConnectError with the matching code. Per-field
 * issues travel as a standard `google.rpc.BadRequest` detail (Connect JSON shows it decoded under
 * `debug`), and the message names every field path too, for clients that read only the message.
 */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (!(error instanceof ApiError))
    return new ConnectError('internal error', Code.Internal, undefined, undefined, error);
  const issues = fieldIssues(error);
  const unnamed = issues.filter((i) => !error.message.includes(`${i.path}: `));
  const message =
    unnamed.length === 0
      ? error.message
      : `${error.message} (${unnamed.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')})`;
  const details =
    issues.length === 0
      ? undefined
      : [
          create(BadRequestSchema, {
            fieldViolations: issues.map((i) => ({ field: i.path, description: i.message, reason: i.code })),
          }),
        ].map((value) => ({ desc: BadRequestSchema, value }));
  return new ConnectError(message, toConnectCode(error.code), undefined, details, error);
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; requestId: string; timestamp: string };
}

export function errorBody(error: ApiError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      requestId,
      timestamp: new Date().toISOString(),
    },
  };
}
