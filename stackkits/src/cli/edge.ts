/**
 * plan/apply/destroy through the kombify edge (`--edge <url> --token <t>`, or KOMBIFY_EDGE_URL and
 * KOMBIFY_TOKEN) instead of a local tofu: the spec is created as a stack (CONTRACTS.md,
 * "Orchestration API": POST /v1/orchestrator/stacks with the YAML) and the action is posted to
 * /stacks/{id}/provision (dry_run for plan), /deploy or /destroy.
 */
import { issuesIn } from '@kombify/proto/issue';
import { CliError, UsageError } from './args.ts';
import type { Context } from './context.ts';

export type DeployAction = 'plan' | 'apply' | 'destroy';

export interface EdgeTarget {
  url: string;
  token: string;
}

/** The edge to use, or undefined for a local run. */
export function edgeTarget(ctx: Context): EdgeTarget | undefined {
  const url = ctx.args.edge ?? ctx.io.env.KOMBIFY_EDGE_URL;
  if (!url) return undefined;
  const token = ctx.args.token ?? ctx.io.env.KOMBIFY_TOKEN;
  if (!token) throw new UsageError('--edge needs --token <api token> (or KOMBIFY_TOKEN)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--edge is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`--edge must be an http(s) URL, got ${url}`);
  }
  return { url: parsed.href.replace(/\/+$/, ''), token };
}

const actionRoute: Record<DeployAction, { path: string; body: Record<string, unknown> }> = {
  plan: { path: 'provision', body: { dry_run: true } },
  apply: { path: 'deploy', body: {} },
  destroy: { path: 'destroy', body: {} },
};

export interface EdgeResponse {
  status: number;
  /** The parsed JSON, the text when it is not JSON, null when empty. */
  body: unknown;
}

/** One request to the edge with the API token. An unreachable edge is a {@link CliError}. */
export async function edgeRequest(
  target: EdgeTarget,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  init?: { body: string; contentType: string },
): Promise<EdgeResponse> {
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(init ? { 'content-type': init.contentType } : {}),
        accept: 'application/json',
      },
      ...(init ? { body: init.body } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `could not reach the edge at ${target.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      { code: 'edge_unreachable' },
    );
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, body };
}

/**
 * A refusal as one line: the route, the status, the edge's code and message (CONTRACTS.md error
 * body) and, unless the caller prints them itself, every field issue the message does not already
 * name, so `value: must not be empty` shows even when the edge's message is terse.
 */
export function edgeFailure(route: string, res: EdgeResponse, options: { issues?: boolean } = {}): CliError {
  const error = (res.body as { error?: { code?: string; message?: string; details?: unknown } })?.error;
  const message = error?.message ?? '';
  const unnamed =
    options.issues === false ? [] : issuesIn(error?.details).filter((i) => !message.includes(`${i.path}: `));
  const issues = unnamed.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
  const hint =
    res.status === 401 || res.status === 403 ? ' (check --token / KOMBIFY_TOKEN and your role)' : '';
  return new CliError(
    `the edge refused ${route}: HTTP ${res.status}${error?.code ? ` ${error.code}` : ''}${message ? `: ${message}` : ''}${issues ? ` (${issues})` : ''}${hint}`,
    { code: 'edge_refused', details: { status: res.status, route, ...(error ? { edgeError: error } : {}) } },
  );
}

function failure(target: EdgeTarget, route: string, res: EdgeResponse, printedIssues = false): CliError {
  if (res.status === 404) {
    return new CliError(
      `the edge at ${target.url} does not offer stack deployment yet (${route} answered 404); run without --edge to use tofu on this machine`,
      { code: 'edge_unsupported', details: { status: 404, route } },
    );
  }
  return edgeFailure(route, res, { issues: !printedIssues });
}

export interface EdgeOutcome {
  stack: Record<string, unknown>;
  action: Record<string, unknown> | null;
}

/** Creates the stack from the spec text and posts the action. Throws {@link CliError}. */
export async function runOnEdge(
  ctx: Context,
  target: EdgeTarget,
  action: DeployAction,
  specText: string,
): Promise<EdgeOutcome> {
  const step = ctx.ui.step(`Sending the spec to ${target.url}`);
  const createRoute = '/v1/orchestrator/stacks';
  const created = await edgeRequest(target, 'POST', createRoute, {
    body: specText,
    contentType: 'application/yaml',
  });
  if (created.status !== 201 && created.status !== 200) {
    step.fail(`HTTP ${created.status}`);
    const error = (created.body as { error?: { code?: string; details?: unknown } })?.error;
    if (created.status === 400 && error?.code === 'VALIDATION_FAILED') {
      for (const e of (Array.isArray(error.details) ? error.details : []) as Record<string, unknown>[]) {
        if (!ctx.ui.json) ctx.io.stderr.write(`  ${e.path ?? ''} ${e.code ?? ''} ${e.message ?? ''}\n`);
      }
    }
    // The spec's issues were printed above, one line each.
    throw failure(target, `POST ${createRoute}`, created, true);
  }
  const stack = ((created.body as { data?: Record<string, unknown> })?.data ?? {}) as Record<string, unknown>;
  const id = stack.id;
  if (typeof id !== 'string' && typeof id !== 'number') {
    step.fail('no stack id');
    throw new CliError(`the edge answered POST ${createRoute} without a stack id`, { code: 'edge_refused' });
  }
  step.succeed(`stack ${String(stack.name ?? '')} (${id})`);
  const { path, body } = actionRoute[action];
  const route = `/v1/orchestrator/stacks/${encodeURIComponent(String(id))}/${path}`;
  const actionStep = ctx.ui.step(`POST ${route}`);
  const res = await edgeRequest(target, 'POST', route, {
    body: JSON.stringify(body),
    contentType: 'application/json',
  });
  if (res.status < 200 || res.status > 299) {
    actionStep.fail(`HTTP ${res.status}`);
    throw failure(target, `POST ${route}`, res);
  }
  const data = ((res.body as { data?: Record<string, unknown> })?.data ?? null) as Record<
    string,
    unknown
  > | null;
  actionStep.succeed(data?.status ? String(data.status) : `HTTP ${res.status}`);
  return { stack, action: data };
}
