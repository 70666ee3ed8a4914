/**
 * Traefik cannot run on these machines, so what kombify generates for it is checked against
 * Traefik v3's documented configuration reference instead (doc.traefik.io: the file provider's
 * routing configuration, the Docker provider's labels, the install-configuration CLI flags). The
 * schemas below are written from that reference for the parts kombify uses, strictly: a key
 * Traefik does not document, a rule it could not parse, or a router pointing at no service fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dynamicConfig, routeLabels, traefikCommand } from '../../platforms/docker/traefik.ts';
import { parseSpec } from '../spec/validate.ts';
import type { PlanRoute } from './plan.ts';
import { resolve } from './resolve.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `Host(`a.example`)`, optionally `|| Host(…)`: the matcher syntax of Traefik v3 rules. */
const rule = z.string().regex(/^Host\(`[a-z0-9.-]+`\)( \|\| Host\(`[a-z0-9.-]+`\))*$/);
const name = z.string().regex(/^[A-Za-z0-9_-]+(@[a-z]+)?$/);

/** http.routers.<name> (reference: routing-configuration/http/routing/router). */
const router = z.strictObject({
  rule,
  entryPoints: z.array(name).min(1).optional(),
  ruleSyntax: z.enum(['v3', 'v2']).optional(),
  priority: z.number().int().optional(),
  middlewares: z.array(name).optional(),
  service: name,
  tls: z
    .strictObject({
      certResolver: name.optional(),
      options: name.optional(),
      domains: z.array(z.strictObject({ main: z.string(), sans: z.array(z.string()).optional() })).optional(),
    })
    .optional(),
});

/** http.services.<name>.loadBalancer (reference: routing-configuration/http/load-balancing/service). */
const service = z.strictObject({
  loadBalancer: z.strictObject({
    servers: z
      .array(
        z.strictObject({
          url: z.url({ protocol: /^https?$/ }),
          weight: z.number().int().optional(),
          preservePath: z.boolean().optional(),
        }),
      )
      .min(1),
    passHostHeader: z.boolean().optional(),
    serversTransport: name.optional(),
  }),
});

const dynamic = z
  .strictObject({
    http: z.strictObject({ routers: z.record(name, router), services: z.record(name, service) }),
  })
  .superRefine((doc, ctx) => {
    for (const [r, v] of Object.entries(doc.http.routers))
      if (!v.service.includes('@') && !(v.service in doc.http.services))
        ctx.addIssue({
          code: 'custom',
          path: ['http', 'routers', r, 'service'],
          message: `no service ${v.service}`,
        });
  });

/** Docker provider labels (reference: routing-configuration/other-providers/docker). */
const label =
  /^traefik\.(enable|http\.routers\.[A-Za-z0-9_-]+\.(rule|entrypoints|service|middlewares|priority|tls|tls\.certresolver|tls\.options)|http\.services\.[A-Za-z0-9_-]+\.loadbalancer\.(server\.port|server\.scheme|passhostheader))$/;

/** Install-configuration flags (reference: install-configuration/configuration-options). */
const flag =
  /^--(ping=true|api\.dashboard=true|api\.insecure=true|entrypoints\.[a-z]+\.address=:\d+|providers\.(docker|swarm)=true|providers\.(docker|swarm)\.exposedbydefault=(true|false)|providers\.(docker|swarm)\.network=[a-z0-9-]+|providers\.file\.filename=\/[^\s]+|providers\.file\.watch=true|certificatesresolvers\.[a-z]+\.acme\.(httpchallenge=true|httpchallenge\.entrypoint=[a-z]+|storage=\/[^\s]+|email=[^\s@]+@[^\s@]+))$/;

const plans = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => {
    const { spec, errors } = parseSpec(readFileSync(join(root, 'examples', f), 'utf8'));
    expect(errors, f).toEqual([]);
    return { file: f, plan: resolve(spec!) };
  });

describe("Traefik's generated configuration against its documented reference", () => {
  it.each(plans.map((p) => [p.file, p.plan] as const))(
    '%s: labels and flags are documented keys',
    (_f, plan) => {
      const containers = [...plan.nodes.flatMap((n) => n.containers), ...(plan.swarm?.services ?? [])];
      const traefikLabels = containers.flatMap((c) =>
        Object.keys(c.labels).filter((k) => k.startsWith('traefik.')),
      );
      for (const key of traefikLabels) expect(key).toMatch(label);
      for (const c of containers.filter((c) => c.service === 'traefik'))
        for (const arg of c.command ?? []) expect(arg).toMatch(flag);
    },
  );

  it.each(plans.map((p) => [p.file, p.plan] as const))('%s: the dynamic file validates', (_f, plan) => {
    for (const file of plan.nodes.flatMap((n) => n.containers.flatMap((c) => c.files))) {
      if (!file.path.startsWith('/etc/traefik/')) continue;
      const parsed = dynamic.safeParse(JSON.parse(file.content));
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    }
  });

  const route = (over: Partial<PlanRoute>): PlanRoute =>
    ({
      service: 'app',
      host: 'app.example.com',
      url: 'https://app.example.com',
      port: 8080,
      entrypoint: 'websecure',
      tls: 'auto',
      upstream: { kind: 'url', url: 'http://10.0.0.5:8080' },
      ...over,
    }) as PlanRoute;

  it('some example really has a dynamic file (the check above is not vacuous)', () => {
    const files = plans.flatMap((p) =>
      p.plan.nodes.flatMap((n) =>
        n.containers.flatMap((c) => c.files.filter((f) => f.path.startsWith('/etc/traefik/'))),
      ),
    );
    expect(files.length).toBeGreaterThan(0);
  });

  it('the schema is strict: it refuses what Traefik would not read', () => {
    const good = JSON.parse(dynamicConfig([route({})]));
    expect(dynamic.safeParse(good).success).toBe(true);
    const typo = structuredClone(good);
    typo.http.routers.app.entrypoints = typo.http.routers.app.entryPoints; // Traefik's key is entryPoints
    expect(dynamic.safeParse(typo).success).toBe(false);
    const dangling = structuredClone(good);
    dangling.http.routers.app.service = 'nope';
    expect(dynamic.safeParse(dangling).success).toBe(false);
    expect('traefik.http.routers.app.entryPoints').not.toMatch(label);
    expect(Object.keys(routeLabels(route({ upstream: { kind: 'labels' } })))).toEqual(
      expect.arrayContaining(['traefik.enable', 'traefik.http.routers.app.rule']),
    );
  });

  it('flags name only documented options', () => {
    const args = traefikCommand({
      access: 'proxy',
      provider: 'docker',
      network: 'x-net',
      fileProvider: true,
      email: 'a@b.example',
    });
    for (const arg of args) expect(arg).toMatch(flag);
    expect('--providers.docker.exposedByDefault=false').not.toMatch(flag);
  });
});
