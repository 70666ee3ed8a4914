/**
 * The secret store's writes as edge requests, checked first with the edge's own path rule
 * (`secretPath`, @kombify/proto/jobs). The browser runs the check to show a bad path before
 * anything is sent; the web server runs it again because a server function's arguments are
 * whatever the caller posts, and a path is joined into the edge URL as text: `a/../../api/keys`
 * would be normalised into another route (dot segments, RFC 3986 §5.2.4).
 */
import { type Issue, issuesFromZod } from '@kombify/proto/issue';
import { secretPath } from '@kombify/proto/jobs';
import type { EdgeResult } from '../../lib/edge-result.ts';

/** One change to the store, as the Settings page asks for it. */
export type SecretChange =
  | { kind: 'put'; path: string; value: string }
  | { kind: 'generate'; path: string }
  | { kind: 'delete'; path: string };

/** What the web server sends to the edge for a change. */
export interface SecretCall {
  path: string;
  method: 'PUT' | 'POST' | 'DELETE';
  body?: unknown;
}

export type Refusal = Extract<EdgeResult<never>, { ok: false }>;

const BASE = '/v1/orchestrator/secrets';

/** The problems with a secret path by the edge's rule, at field `path`; none when it is fine. */
export function secretPathProblems(path: string): Issue[] {
  const parsed = secretPath.safeParse(path);
  return parsed.success ? [] : issuesFromZod(parsed.error, 'path');
}

/**
 * A refusal made before the edge was asked, shaped like the edge's own `VALIDATION_FAILED` (same
 * status, code, message form and `details`), so the page shows both the same way.
 */
export function refusal(problems: Issue[]): Refusal {
  return {
    ok: false,
    status: 400,
    code: 'VALIDATION_FAILED',
    message: `invalid request: ${problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('; ')}`,
    details: problems,
  };
}

/** The edge request for a change, or the refusal when its path breaks the edge's rule. */
export function secretRequest(change: SecretChange): { ok: true; call: SecretCall } | Refusal {
  // Typed, but from the network on the server: a missing path must be a refusal, not a TypeError.
  const path = typeof change?.path === 'string' ? change.path : '';
  const problems = secretPathProblems(path);
  if (problems.length > 0) return refusal(problems);
  // A valid path is letters, digits, ".", "_", "-" and "/" only: nothing to encode, and its
  // slashes must stay slashes (the edge's route takes the rest of the URL as the path).
  const url = `${BASE}/${path}`;
  switch (change.kind) {
    case 'put':
      return { ok: true, call: { path: url, method: 'PUT', body: { value: change.value } } };
    case 'generate':
      // The edge's defaults (32 characters, letters and digits); the value stays on the edge.
      return { ok: true, call: { path: `${url}/generate`, method: 'POST', body: {} } };
    case 'delete':
      return { ok: true, call: { path: url, method: 'DELETE' } };
    default:
      return refusal([{ path: 'kind', code: 'invalid_value', message: 'must be put, generate or delete' }]);
  }
}
