/**
 * `GET /v1/orchestrator/secret-usage`: which stacks' current specs use which secrets (path →
 * stack, node, service, field), for the secret list's "used by" (web Settings → Secrets). Read
 * from each stack's current version, resolved as a deploy would; paths only, never a value.
 */
import { rolesFrom } from '@kombify/proto/roles';
import { resolve } from '@kombify/stackkits';
import { Hono } from 'hono';
import { gate } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import type { OrchContext } from './access.ts';
import { orchContext } from './context.ts';
import { generateArtifacts } from './object/artifacts.ts';
import { secretUses } from './object/secret-revs.ts';
import { stackHandle } from './object/stack-handle.ts';
import { specOfVersion } from './spec-input.ts';
import * as index from './store.ts';

export interface SecretUsage {
  path: string;
  used_by: { stack_id: string; stack_name: string; node: string; service: string; field: string }[];
}

/** The org's stacks are read in parallel; an org's stack limit keeps this bounded. */
export async function secretUsage(ctx: OrchContext): Promise<SecretUsage[]> {
  const { rows } = await index.listStacks(ctx.db, ctx.principal.orgId, { limit: 1000, offset: 0 });
  const byPath = new Map<string, SecretUsage['used_by']>();
  await Promise.all(
    rows.map(async (row) => {
      const v = await stackHandle(ctx.env, row.id).currentVersion();
      if (!v) return;
      let uses: ReturnType<typeof secretUses>;
      try {
        uses = secretUses(generateArtifacts(row.id, resolve(specOfVersion(v), v.options), v).converge);
      } catch {
        return; // a version this release cannot resolve uses nothing it could deploy
      }
      for (const u of uses) {
        const list = byPath.get(u.path) ?? [];
        list.push({
          stack_id: row.id,
          stack_name: row.name,
          node: u.node,
          service: u.service,
          field: u.field,
        });
        byPath.set(u.path, list);
      }
    }),
  );
  return [...byPath.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, used_by]) => ({
      path,
      used_by: used_by.sort((a, b) =>
        `${a.stack_name}/${a.service}`.localeCompare(`${b.stack_name}/${b.service}`),
      ),
    }));
}

/** Members read it, as they read the secrets' metadata. */
export const secretUsageRoutes = new Hono<AppEnv>();
secretUsageRoutes.use(gate(rolesFrom('member'), 'orchestrator'));
secretUsageRoutes.get('/', async (c) => c.json({ data: await secretUsage(orchContext(c)) }));
