/**
 * Every route carries its gate (issue 14: no path-prefix gates kept apart from the routes). The
 * app's own route table is walked, so a new route joins by itself: without a credential, each
 * answers 401 — except the routes that are public on purpose, listed here with why.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from './app.ts';

const publicRoutes: [RegExp, string][] = [
  [/^\/(health|ready)$/, 'probes for load balancers'],
  [/^\/_bench\//, 'benchmark probes, 404 unless BENCH_ROUTES=1'],
  [/^\/auth\//, 'where a browser signs in'],
  [/^\/api\/internal\/sso\/exchange$/, 'trades an issuer token for a session'],
  [/^\/api\/billing\/plans$/, 'the pricing page'],
  [/^\/api\/billing\/webhook$/, "Stripe's signature is its auth"],
  [/^\/v1\/stackkits(\/:kit)?(\/schema)?$/, 'the catalog and schemas, for editors'],
  [/^\/v1\/stackkits\/apps(\/:name)?$/, 'the app catalog, for the gallery and the CLI (read-only)'],
  [/^\/install\.sh$/, 'the installer one-liner'],
  [/^\/agent\//, 'what the installer downloads (signed)'],
  [/^\/(openapi\.json|docs)$/, 'the API reference: it describes the routes, never a caller or their data'],
];

function routes() {
  const seen = new Set<string>();
  return app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => ({ method: r.method, path: r.path }))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

describe('gates', () => {
  it('refuse a caller without a credential on every route that is not public', async () => {
    const gated = routes().filter((r) => !publicRoutes.some(([re]) => re.test(r.path)));
    expect(gated.length).toBeGreaterThan(60);
    const open: string[] = [];
    for (const { method, path } of gated) {
      // Connect routes take the method name from the path: ask for one the service has.
      const concrete = path.replace('AgentService/:method', 'AgentService/Heartbeat');
      const url = `http://edge${concrete.replace(/:[A-Za-z_]+/g, 'x').replace(/\/\*$/, '/x')}`;
      const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
      if (!['GET', 'HEAD', 'DELETE'].includes(method)) init.body = '{}';
      const res = await SELF.fetch(url, init);
      await res.body?.cancel();
      if (res.status !== 401) open.push(`${method} ${path} → ${res.status}`);
    }
    expect(open).toEqual([]);
  });

  it('leave the public routes public', async () => {
    for (const path of [
      '/api/billing/plans',
      '/v1/stackkits',
      '/v1/stackkits/apps',
      '/v1/stackkits/apps/gitea',
      '/install.sh',
    ]) {
      const res = await SELF.fetch(`http://edge${path}`);
      await res.body?.cancel();
      expect(res.status, path).not.toBe(401);
    }
  });
});
