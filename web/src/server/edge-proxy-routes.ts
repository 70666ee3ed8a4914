import type { APIEvent } from '@solidjs/start/server';
import { proxyToEdge } from './edge.ts';

/**
 * Handlers for the path prefixes that belong to the edge (`/auth`, `/api`, `/v1`): passed through
 * unchanged, so sign-in cookies and the edge's CSRF check see this origin (in production the app's
 * host routes these prefixes to the edge Worker directly).
 */
const forward = (event: APIEvent) => proxyToEdge(event.request);
export const GET = forward;
export const HEAD = forward;
export const POST = forward;
export const PUT = forward;
export const PATCH = forward;
export const DELETE = forward;
export const OPTIONS = forward;
