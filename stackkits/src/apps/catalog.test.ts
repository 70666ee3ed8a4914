/**
 * The catalog as CI sees it: every folder loaded, every definition valid, every app resolved on
 * every kit it declares (schema, Unifier, plan, OpenTofu JSON, job plan), health checks and pinned
 * images everywhere, all apps together in one stack without a port clash, and updates that keep
 * data: apps/volumes.lock.json records each app's volumes and mount paths; a change that renames
 * or drops one fails here (update the lock deliberately with UPDATE_APP_LOCK=1).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appDefinitions } from '../../apps/index.ts';
import { toJobPlan } from '../generate/to-job-plan.ts';
import { toOpenTofu } from '../generate/to-open-tofu.ts';
import { parseSpec } from '../spec/validate.ts';
import { resolve } from '../unifier/resolve.ts';
import { addApp, generateSecret } from './add-app.ts';
import { loadCatalog } from './catalog.ts';
import { appSchema, isPinned } from './schema.ts';

const appsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps');
const lockFile = join(appsDir, 'volumes.lock.json');
const { apps, problems } = loadCatalog();

describe('app catalog', () => {
  it('loads every folder in apps/, and every definition is valid', () => {
    const folders = readdirSync(appsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(appDefinitions.map((a) => a.name).sort()).toEqual(folders);
    expect(problems).toEqual([]);
    expect(apps.length).toBeGreaterThanOrEqual(60);
  });

  it('has a health check and a pinned image on every service', () => {
    for (const app of apps) {
      for (const s of app.services) {
        expect(s.healthCheck.command.length, `${app.name}/${s.name}`).toBeGreaterThan(0);
        expect(isPinned(s.image), `${app.name}/${s.name}: ${s.image}`).toBe(true);
      }
    }
    for (const bad of ['nginx', 'nginx:latest', 'ghcr.io/a/b:stable', 'redis:alpine', 'x:nightly'])
      expect(isPinned(bad)).toBe(false);
    for (const good of ['nginx:1.27', 'postgres:16.4-alpine', 'fireflyiii/core:version-6.1.21'])
      expect(isPinned(good)).toBe(true);
  });

  it('refuses a definition without a health check or with a latest tag', () => {
    const base = structuredClone(appDefinitions.find((a) => a.name === 'memos')!);
    const noCheck = structuredClone(base);
    delete (noCheck.services[0] as { healthCheck?: unknown }).healthCheck;
    const latest = structuredClone(base);
    latest.services[0]!.image = 'neosmemo/memos:latest';
    expect(validate(base)).toEqual([]);
    expect(validate(noCheck).length).toBeGreaterThan(0);
    expect(validate(latest)).toContain('must be pinned to a version tag (not latest, not untagged)');
  });

  for (const app of apps) {
    for (const kit of app.kits) {
      it(`${app.name} resolves on ${kit}: spec, plan, OpenTofu, jobs`, () => {
        const added = addApp({ app: app.name, kit });
        expect(added.errors).toEqual([]);
        const { spec, errors } = parseSpec(added.yaml!);
        expect(errors).toEqual([]);
        const plan = resolve(spec!);
        const services = [
          ...plan.nodes.flatMap((n) => n.containers.map((c) => c.service)),
          ...(plan.swarm?.services ?? []).map((s) => s.service),
        ];
        for (const s of app.services) expect(services).toContain(s.name);
        const files = toOpenTofu(plan);
        const main = JSON.parse(files['main.tf.json']!);
        expect(Object.keys(main.resource ?? {})).toEqual(expect.arrayContaining(['docker_image']));
        for (const secret of added.secrets) {
          expect(JSON.parse(files['variables.tf.json']!).variable[secret.variable]?.sensitive).toBe(true);
          expect(added.secretValues[secret.ref]).toMatch(/^[A-Za-z0-9]{16,}$/);
          // The value never reaches the spec or the generated files.
          expect(added.yaml).not.toContain(added.secretValues[secret.ref]);
          expect(files['main.tf.json']).not.toContain(added.secretValues[secret.ref]);
        }
        expect(toJobPlan(plan).stack).toBe(spec!.name);
      });
    }
  }

  it('runs every base-homelab app together in one stack: no port or name clashes', () => {
    let yaml: string | undefined;
    for (const app of apps.filter((a) => a.kits.includes('base-homelab'))) {
      const added = addApp({ app: app.name, ...(yaml ? { into: yaml } : { kit: 'base-homelab' }) });
      expect(added.errors, app.name).toEqual([]);
      yaml = added.yaml;
    }
    expect(parseSpec(yaml!).errors).toEqual([]);
    expect(addApp({ app: 'memos', into: yaml! }).errors[0]?.code).toBe('duplicate');
  });

  it('generates random secrets of the asked length', () => {
    const a = generateSecret(32);
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateSecret(32)).not.toBe(a);
  });

  it('keeps the volumes and mount paths of every app (apps/volumes.lock.json)', () => {
    const current: Record<string, Record<string, string>> = {};
    for (const app of [...apps].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const volumes: Record<string, string> = {};
      for (const s of app.services)
        for (const v of s.volumes ?? []) volumes[`${s.name}:${v.name}`] = v.mountPath;
      current[app.name] = volumes;
    }
    if (process.env.UPDATE_APP_LOCK) writeFileSync(lockFile, `${JSON.stringify(current, null, 2)}\n`);
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as Record<string, Record<string, string>>;
    const lost: string[] = [];
    for (const [app, volumes] of Object.entries(lock)) {
      for (const [key, path] of Object.entries(volumes)) {
        const now = current[app]?.[key];
        if (now === undefined)
          lost.push(`${app}: volume ${key} (at ${path}) is gone: its data would be left behind`);
        else if (now !== path)
          lost.push(`${app}: volume ${key} moved from ${path} to ${now}: the app would not find its data`);
      }
    }
    expect(lost).toEqual([]);
    // New apps and volumes go into the lock deliberately.
    expect(current).toEqual(lock);
  });
});

function validate(input: unknown): string[] {
  const r = appSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.message);
}
