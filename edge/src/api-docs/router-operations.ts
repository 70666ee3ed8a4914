/**
 * The operations Hono's router holds (`app.routes`), each with the roles of the gates that run
 * before its handler. The router is the truth about what exists: the document is built from it
 * and a route without a description is reported, never silently dropped.
 */
import type { RouterRoute } from 'hono/types';
import { gateRoles } from '../platform/openapi/route-doc.ts';

export interface RouterOperation {
  method: string;
  /** As Hono spells it: `/v1/orchestrator/workers/:id`, `:path{.+}`. */
  path: string;
  /** The roles every gate before the handler lets through; null when no gate runs. */
  roles: readonly string[] | null;
}

/** Does a middleware registered at `pattern` (`/x/*`, `/x`, `*`) run for a route at `path`? */
function covers(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === '/*') return true;
  if (pattern.endsWith('/*')) {
    const base = pattern.slice(0, -2);
    return segmentsMatch(base.split('/'), path.split('/'), true);
  }
  return pattern === path;
}

/** Segment by segment; a `:param` in the pattern matches any one segment of the route. */
function segmentsMatch(pattern: string[], path: string[], prefix: boolean): boolean {
  if (prefix ? path.length < pattern.length : path.length !== pattern.length) return false;
  return pattern.every((seg, i) => seg === path[i] || (seg.startsWith(':') && path[i] !== undefined));
}

/**
 * One entry per method and path, in registration order. A gate counts for a route when it was
 * registered before the route's handler (Hono runs matching handlers in that order, and a handler
 * that answers ends the chain); several gates all have to pass, so their roles intersect.
 */
export function routerOperations(routes: readonly RouterRoute[]): RouterOperation[] {
  const out = new Map<string, RouterOperation>();
  routes.forEach((route, index) => {
    if (route.method === 'ALL' || gateRoles.has(route.handler)) return;
    const key = `${route.method} ${route.path}`;
    if (out.has(key)) return;
    let roles: readonly string[] | null = null;
    for (const before of routes.slice(0, index)) {
      const gate = gateRoles.get(before.handler);
      if (!gate) continue;
      if (before.method !== 'ALL' && before.method !== route.method) continue;
      if (!covers(before.path, route.path)) continue;
      roles = roles === null ? gate : roles.filter((r) => gate.includes(r));
    }
    out.set(key, { method: route.method, path: route.path, roles });
  });
  return [...out.values()];
}

export interface PathParam {
  name: string;
  /** From a Hono pattern: `:action{start|stop|restart}` gives an enum, `:path{.+}` a pattern. */
  schema: Record<string, unknown>;
}

/** A Hono path as an OpenAPI path template, with its parameters. */
export function openApiPath(path: string): { template: string; params: PathParam[] } {
  const params: PathParam[] = [];
  const template = path
    .split('/')
    .map((segment) => {
      const m = /^:([A-Za-z_][A-Za-z0-9_]*)(?:\{(.+)\})?$/.exec(segment);
      if (!m) return segment;
      const [, name = '', pattern] = m;
      let schema: Record<string, unknown> = { type: 'string' };
      if (pattern && /^[A-Za-z0-9_-]+(\|[A-Za-z0-9_-]+)+$/.test(pattern))
        schema = { type: 'string', enum: pattern.split('|') };
      else if (pattern === '.+') schema = { type: 'string', description: 'may contain `/`' };
      else if (pattern) schema = { type: 'string', pattern: `^${pattern}$` };
      params.push({ name, schema });
      return `{${name}}`;
    })
    .join('/');
  return { template, params };
}
