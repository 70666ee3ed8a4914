/**
 * `stackkit secret set|list|rm`: the org's secret store on the kombify edge (docs/api.md,
 * "Secrets"; `--edge <url> --token <t>`, or KOMBIFY_EDGE_URL and KOMBIFY_TOKEN).
 *
 *   set <path>                      the value from stdin (./secret-value.ts), PUT {path}
 *   set <path> --generate [--length N]   POST {path}/generate: the edge makes a random value
 *   list                            GET: path, version, updated, by (never a value)
 *   rm <path>                       DELETE {path}
 *
 * No value is ever printed or logged: the edge answers with metadata only, and that is all this
 * shows. The path is checked with the edge's own rule before anything is read or sent.
 */
import { secretMeta, secretMetaList } from '@kombify/proto/api';
import { secretPath } from '@kombify/proto/jobs';
import type { z } from 'zod';
import { CliError, UsageError } from './args.ts';
import type { Context } from './context.ts';
import { type EdgeResponse, type EdgeTarget, edgeFailure, edgeRequest, edgeTarget } from './edge.ts';
import { readSecretValue } from './secret-value.ts';

type SecretMeta = z.infer<typeof secretMeta>;

const base = '/v1/orchestrator/secrets';
const synopsis = 'stackkit secret set <path> | set <path> --generate | list | rm <path>';

export async function secret(ctx: Context): Promise<number> {
  const [sub, ...rest] = ctx.args.rest;
  switch (sub) {
    case 'set':
      return set(ctx, rest);
    case 'list':
      return list(ctx, rest);
    case 'rm':
      return rm(ctx, rest);
    case undefined:
      throw new UsageError(`a subcommand is required: ${synopsis}`);
    default:
      throw new UsageError(`unknown subcommand "secret ${sub}" (${synopsis})`);
  }
}

async function set(ctx: Context, rest: string[]): Promise<number> {
  const { args } = ctx;
  if (args.generateLength !== undefined && !args.generate)
    throw new UsageError('--length goes with --generate');
  const path = onePath('set', rest);
  if (rest.length > 1) {
    // Not echoed: it is most likely the value, now in the shell's history.
    throw new UsageError(
      `"secret set" takes the path only; the value is read from stdin, never from the command line: printf '%s' "$VALUE" | stackkit secret set ${path} (or --generate)`,
    );
  }
  const target = requireEdge(ctx);
  const route = `${base}/${path}`;
  let res: EdgeResponse;
  if (args.generate) {
    const body = args.generateLength === undefined ? {} : { length: args.generateLength };
    res = await send(ctx, target, 'POST', `${route}/generate`, body);
  } else {
    const value = await readSecretValue(ctx.io, path);
    res = await send(ctx, target, 'PUT', route, { value });
  }
  const meta = answer(res, secretMeta, `${args.generate ? 'POST' : 'PUT'} ${route}`);
  const created = res.status === 201;
  if (ctx.ui.json) ctx.ui.result({ ok: true, secret: meta, created, generated: args.generate });
  else {
    const how = args.generate ? 'Generated and stored' : 'Stored';
    ctx.ui.print(`${how} ${meta.path}: version ${meta.version}${created ? ' (new)' : ''}`);
  }
  return 0;
}

async function list(ctx: Context, rest: string[]): Promise<number> {
  noSetOptions(ctx, 'list');
  if (rest.length > 0) throw new UsageError('"secret list" takes no arguments');
  const target = requireEdge(ctx);
  const secrets = answer(await send(ctx, target, 'GET', base), secretMetaList, `GET ${base}`);
  if (ctx.ui.json) {
    ctx.ui.result({ ok: true, secrets });
    return 0;
  }
  if (secrets.length === 0) {
    ctx.ui.print('No secrets in the store. Add one with: stackkit secret set <path>');
    return 0;
  }
  for (const line of secretTable(secrets, (s) => ctx.ui.out('bold', s))) ctx.ui.print(line);
  return 0;
}

async function rm(ctx: Context, rest: string[]): Promise<number> {
  noSetOptions(ctx, 'rm');
  const path = onePath('rm', rest);
  if (rest.length > 1) throw new UsageError('"secret rm" takes one path');
  const target = requireEdge(ctx);
  const route = `${base}/${path}`;
  const meta = answer(await send(ctx, target, 'DELETE', route), secretMeta, `DELETE ${route}`);
  if (ctx.ui.json) ctx.ui.result({ ok: true, removed: meta });
  else ctx.ui.print(`Removed ${meta.path} (was version ${meta.version})`);
  return 0;
}

/** The table of `secret list`: a header, then one row per secret, columns padded to fit. */
export function secretTable(
  secrets: readonly SecretMeta[],
  bold: (s: string) => string = (s) => s,
): string[] {
  const header = ['PATH', 'VERSION', 'UPDATED', 'BY'];
  const rows = secrets.map((s) => [s.path, String(s.version), shortTime(s.updated_at), s.updated_by]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [bold(line(header)), ...rows.map(line)];
}

/** `2026-12-04T01:26:04.123Z` → `2026-12-04 01:26:04Z`; anything else as given. */
function shortTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}

/** The path argument, checked with the edge's rule (`secretPath`) so a bad one is never sent. */
function onePath(sub: 'set' | 'rm', rest: string[]): string {
  const path = rest[0];
  if (path === undefined) throw new UsageError(`a path is required: stackkit secret ${sub} <path>`);
  const parsed = secretPath.safeParse(path);
  if (!parsed.success) {
    // The text is not repeated: a value put where the path goes would be printed.
    throw new UsageError(`not a secret path: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  // Every character the rule allows is URL-safe, and no segment can be "." or "..".
  return parsed.data;
}

function noSetOptions(ctx: Context, sub: string): void {
  if (ctx.args.generate || ctx.args.generateLength !== undefined)
    throw new UsageError(`--generate and --length go with "secret set", not "secret ${sub}"`);
}

function requireEdge(ctx: Context): EdgeTarget {
  const target = edgeTarget(ctx);
  if (!target) {
    throw new UsageError(
      'the secret store is on the kombify edge: give --edge <url> and --token <api token> (or KOMBIFY_EDGE_URL and KOMBIFY_TOKEN)',
    );
  }
  return target;
}

async function send(
  ctx: Context,
  target: EdgeTarget,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  route: string,
  body?: Record<string, unknown>,
): Promise<EdgeResponse> {
  // The route and method only: the body may hold the value.
  ctx.ui.debug(`${method} ${target.url}${route}`);
  const res = await edgeRequest(
    target,
    method,
    route,
    body && { body: JSON.stringify(body), contentType: 'application/json' },
  );
  if (res.status < 200 || res.status > 299) throw edgeFailure(`${method} ${route}`, res);
  return res;
}

/** The `data` of a 2xx answer, checked against the shared schema (`@kombify/proto/api`). */
function answer<S extends z.ZodType>(res: EdgeResponse, schema: S, route: string): z.output<S> {
  const parsed = schema.safeParse((res.body as { data?: unknown } | null)?.data);
  if (!parsed.success) {
    throw new CliError(`the edge answered ${route} with HTTP ${res.status} but not the expected body`, {
      code: 'edge_unexpected',
      details: { status: res.status, route },
    });
  }
  return parsed.data;
}
