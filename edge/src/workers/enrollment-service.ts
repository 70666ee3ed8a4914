/**
 * Enrollment tokens and the installer one-liner that uses one. The clear token is returned once and
 * stored hashed; `POST /v1/orchestrator/enrollment-tokens` and `POST /v1/orchestrator/workers` both
 * issue them here.
 */
import { z } from 'zod';
import { countAgents, effectivePlan, getSubscription, plans } from '../billing/index.ts';
import type { Db } from '../platform/db/client.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId, randomSecret, sha256Hex } from '../platform/ids.ts';
import { createEnrollmentToken } from './store.ts';

/** What an enrollment token is made with (both routes). */
export const enrollmentBody = z
  .object({
    description: z.string().max(200).optional(),
    ttl_seconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .optional(),
  })
  .strict();

export async function issueEnrollmentToken(
  db: Db,
  orgId: string,
  opts: { description: string | null; ttlSeconds: number },
) {
  const token = randomSecret('kfe');
  const id = randomId('enr');
  const expiresAt = new Date(Date.now() + opts.ttlSeconds * 1000);
  await createEnrollmentToken(db, {
    id,
    orgId,
    hash: await sha256Hex(token),
    description: opts.description,
    expiresAt,
  });
  return { id, token, expires_at: expiresAt.toISOString() };
}

/** The org's plan, its node limit and its nodes now (KombiSim's workers do not count). */
export async function nodeRoom(db: Db, orgId: string) {
  const [subscription, nodes] = await Promise.all([getSubscription(db, orgId), countAgents(db, orgId)]);
  const plan = effectivePlan(subscription);
  const max = plans[plan].nodes;
  return {
    max,
    full: nodes >= max,
    message: `node limit reached: the ${plan} plan allows ${max} nodes and this org has ${nodes}; upgrade the plan or remove a node`,
  };
}

/** Refuses up front when the plan has no room for another node (enroll would refuse it later). */
export async function checkNodeRoom(db: Db, orgId: string): Promise<void> {
  const room = await nodeRoom(db, orgId);
  if (room.full) throw new ApiError('RESOURCE_LIMIT', room.message);
}

/** The one-liner a person runs on the new machine; the name is checked to be shell-safe. */
export function installCommand(edgeUrl: string, token: string, name?: string): string {
  return `curl -fsSL ${edgeUrl}/install.sh | sh -s -- --token ${token}${name ? ` --name ${name}` : ''}`;
}
