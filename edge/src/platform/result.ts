/**
 * The one shape for what crosses a boundary below HTTP (a Durable Object call, a service call):
 * an expected failure is a value with a code from the error vocabulary, never an HTTP status
 * (STYLE.md 3a, after Unkey's `pkg/ratelimit/interface.ts`). The HTTP and Connect layers turn a
 * refusal into their own error with `unwrap`, so the mapping to statuses stays in `errors.ts`.
 */
import { ApiError, type ErrorCode } from './errors.ts';

/** Why something was not done: a code from the vocabulary, a message for people, optional details. */
export interface Refusal<C extends ErrorCode = ErrorCode> {
  code: C;
  message: string;
  details?: unknown;
}

export type Result<T = undefined, C extends ErrorCode = ErrorCode> =
  | { ok: true; value: T }
  | { ok: false; refusal: Refusal<C> };

export function ok(): Result<undefined, never>;
export function ok<T>(value: T): Result<T, never>;
export function ok<T>(value?: T): Result<T | undefined, never> {
  return { ok: true, value };
}

export function refuse<C extends ErrorCode>(code: C, message: string, details?: unknown): Result<never, C> {
  return { ok: false, refusal: details === undefined ? { code, message } : { code, message, details } };
}

/** The value, or the refusal thrown as the ApiError the HTTP and Connect layers map. */
export function unwrap<T>(result: Result<T, ErrorCode>): T {
  if (result.ok) return result.value;
  const { code, message, details } = result.refusal;
  throw new ApiError(code, message, details === undefined ? undefined : { details });
}
