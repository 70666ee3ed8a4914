/**
 * The closed set of error codes the edge answers with (spec/CONTRACTS.md): `error.code` of every
 * REST error body, and what Connect errors are mapped from. One list, so the web and API clients
 * see exactly the codes the edge can send; the edge maps each to its HTTP status and Connect code
 * (edge/src/platform/errors.ts), exhaustively.
 */
import { z } from 'zod';

export const errorCode = z.enum([
  'AUTH_REQUIRED',
  'AUTH_INVALID',
  'AUTH_INSUFFICIENT',
  'NOT_FOUND',
  'VALIDATION_FAILED',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
  /** A plan limit or a pool (SSH ports) is used up. */
  'RESOURCE_LIMIT',
  // KombiSim.
  'SIMULATION_NOT_FOUND',
  'NODE_NOT_FOUND',
  'TEMPLATE_NOT_FOUND',
  'ALREADY_RUNNING',
]);
export type ErrorCode = z.infer<typeof errorCode>;
