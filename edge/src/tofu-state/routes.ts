/**
 * The OpenTofu HTTP state backend (`backend "http"`), one address per stack:
 *   GET    /v1/tofu-state/{stack}         the state; 204 when there is none
 *   POST   /v1/tofu-state/{stack}[?ID=]   store a new version (serial/lineage checked, lock honoured)
 *   LOCK   /v1/tofu-state/{stack}         body: LockInfo; 423 with the holder's LockInfo when held
 *   UNLOCK /v1/tofu-state/{stack}         body: LockInfo of the holder; empty body = force-unlock
 *   DELETE /v1/tofu-state/{stack}[?ID=]   operators: mark the state deleted (history kept)
 *   GET    /v1/tofu-state/{stack}/versions  operators: the kept versions
 * plus `POST /v1/orchestrator/stacks/{id}/state-credentials` (a credential for running OpenTofu
 * elsewhere) and `PUT /api/internal/tofu-state/{stack}/owner` (platform admins: claim a stack for
 * an org). Another org's stack is a 404, like a stack that does not exist.
 */

import { type Context, Hono } from 'hono';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { gate, operatorRoles, platformAdmin } from '../accounts/index.ts';
import { auditContext } from '../platform/audit-context.ts';
import { audit } from '../platform/db/audit.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError, errorBody } from '../platform/errors.ts';
import { type Refusal, unwrap } from '../platform/result.ts';
import { readCappedBytes, readCappedText, readJson } from '../platform/validate.ts';
import { stateBackendFor } from './backend-for.ts';
import { claimStack, isStackId, stackOwner } from './stack-owner.ts';
import { stateAuth, type TofuStateEnv } from './state-auth.ts';
import { tofuStateObject } from './state-object.ts';
import { checkContentMd5, readState, writeState } from './state-service.ts';
import { type HeldLock, heldLockOf } from './state-store.ts';

export const tofuState = new Hono<TofuStateEnv>();
tofuState.use('*', stateAuth);

/** The stack in the path, once the caller may use it; anything else is a 404 that reveals nothing. */
async function stackOf(c: Context<TofuStateEnv>): Promise<string> {
  const stackId = c.req.param('stackId') ?? '';
  const access = c.get('stateAccess');
  const notFound = new ApiError('NOT_FOUND', `stack ${stackId} not found`);
  if (!isStackId(stackId)) throw notFound;
  if (access.kind === 'credential' && access.stackId !== stackId) throw notFound;
  if ((await stackOwner(c.env, stackId)) !== access.orgId) throw notFound;
  return stackId;
}

function operatorOnly(c: Context<TofuStateEnv>, what: string): void {
  if (c.get('stateAccess').kind !== 'operator') {
    throw new ApiError('AUTH_INSUFFICIENT', `${what} needs an operator API key or token of the stack's org`);
  }
}

function lockInfo(held: HeldLock): unknown {
  try {
    return JSON.parse(held.info);
  } catch {
    return { ID: held.id };
  }
}

/** Operator writes (force-unlock, delete) go to the audit log; only operators get that far. */
function operatorAudit(c: Context<TofuStateEnv>, action: string, target: string, before: unknown) {
  return audit(c.get('db')(), {
    ...auditContext(c as unknown as Context<AppEnv>),
    action,
    target,
    before,
    after: null,
  });
}

/**
 * The HTTP backend's answer to a refused write: someone else's lock is 423 Locked with the holder's
 * LockInfo in the details (what OpenTofu reads); any other conflict is a 409 in the contract's
 * error shape. The store only says CONFLICT; the statuses are the protocol's, so they live here.
 */
function refused(c: Context<TofuStateEnv>, refusal: Refusal): Response {
  const held = heldLockOf(refusal);
  if (held) {
    const error = new ApiError('CONFLICT', refusal.message, { details: { lock: lockInfo(held) } });
    return c.json(errorBody(error, c.get('requestId')), 423);
  }
  throw new ApiError(refusal.code, refusal.message);
}

function readBody(c: Context<TofuStateEnv>, max: number): Promise<Uint8Array> {
  return readCappedBytes(c, max, 'the state');
}

tofuState.get('/:stackId', async (c) => {
  const stackId = await stackOf(c);
  const state = await readState(c.env, c.get('config'), stackId);
  if (!state) return c.body(null, 204);
  // State holds secrets (sensitive values in the clear): never cached anywhere on the way.
  return c.body(state as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
  });
});

tofuState.post('/:stackId', async (c) => {
  const stackId = await stackOf(c);
  const config = c.get('config');
  const body = await readBody(c, config.TOFU_STATE_MAX_BYTES);
  await checkContentMd5(body, c.req.header('content-md5'));
  const result = await writeState(c.env, config, {
    stackId,
    body,
    lockId: c.req.query('ID') ?? null,
    by: c.get('stateAccess').by,
  });
  if (!result.ok) return refused(c, result.refusal);
  return c.json({ data: { version: result.value.version, unchanged: result.value.unchanged } });
});

export const lockBody = z.looseObject({ ID: z.string().min(1).max(256) });

async function lockInfoBody(c: Context<TofuStateEnv>): Promise<{ id: string; info: string } | null> {
  const text = await readCappedText(c, 16 * 1024, 'the lock info');
  if (text.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError('VALIDATION_FAILED', 'lock info must be JSON (OpenTofu LockInfo)');
  }
  const info = lockBody.safeParse(parsed);
  if (!info.success) {
    throw new ApiError('VALIDATION_FAILED', 'lock info needs an "ID" (1-256 characters)', {
      details: [{ path: 'ID', code: 'required', message: 'the lock ID' }],
    });
  }
  return { id: info.data.ID, info: text };
}

tofuState.on('LOCK', '/:stackId', async (c) => {
  const stackId = await stackOf(c);
  const req = await lockInfoBody(c);
  if (!req) throw new ApiError('VALIDATION_FAILED', 'LOCK needs the LockInfo JSON as its body');
  const result = await tofuStateObject(c.env, stackId).tofuLock({ ...req, by: c.get('stateAccess').by });
  // OpenTofu reads the holder's LockInfo from a 423 and names it in its error.
  if (!result.ok) {
    const held = heldLockOf(result.refusal);
    if (!held) throw new ApiError(result.refusal.code, result.refusal.message);
    return c.body(held.info, 423, { 'content-type': 'application/json' });
  }
  return c.body(req.info, 200, { 'content-type': 'application/json' });
});

tofuState.on('UNLOCK', '/:stackId', async (c) => {
  const stackId = await stackOf(c);
  const req = await lockInfoBody(c);
  const stub = tofuStateObject(c.env, stackId);
  if (!req) {
    // `tofu force-unlock <id>` (terraform 1.11 too) sends UNLOCK with an empty body: the lock ID
    // it was given never reaches the server, so this releases whatever lock is held.
    operatorOnly(c, 'force-unlock (UNLOCK without the lock info)');
    const { released } = unwrap(await stub.tofuUnlock({ force: true }));
    if (released) await operatorAudit(c, 'tofu_state.force_unlock', stackId, lockInfo(released));
    return c.json({ data: { released: released ? lockInfo(released) : null } });
  }
  const result = await stub.tofuUnlock({ id: req.id });
  if (!result.ok) {
    // UNLOCK with someone else's lock ID is a 409 (not 423) that still shows whose lock it is.
    const held = heldLockOf(result.refusal);
    throw new ApiError(result.refusal.code, result.refusal.message, {
      details: held ? { lock: lockInfo(held) } : undefined,
    });
  }
  const { released } = result.value;
  return c.json({ data: { released: released ? lockInfo(released) : null } });
});

tofuState.delete('/:stackId', async (c) => {
  const stackId = await stackOf(c);
  operatorOnly(c, 'deleting state');
  const result = await tofuStateObject(c.env, stackId).tofuDeleteState({
    lockId: c.req.query('ID') ?? null,
    by: c.get('stateAccess').by,
    keep: c.get('config').TOFU_STATE_VERSIONS_KEPT,
  });
  if (!result.ok) return refused(c, result.refusal);
  if (result.value.deleted) {
    await operatorAudit(c, 'tofu_state.delete', stackId, null);
  }
  return c.json({ data: { deleted: result.value.deleted } });
});

tofuState.get('/:stackId/versions', async (c) => {
  const stackId = await stackOf(c);
  operatorOnly(c, 'listing state versions');
  const stub = tofuStateObject(c.env, stackId);
  const [versions, held] = await Promise.all([stub.tofuVersions(), stub.tofuLockHeld()]);
  return c.json({
    data: {
      lock: held ? { ...(lockInfo(held) as object), locked_at: new Date(held.lockedAt).toISOString() } : null,
      versions: versions.map((v) => ({
        version: v.version,
        serial: v.serial,
        lineage: v.lineage,
        sha256: v.sha256,
        size: v.size,
        deleted: v.deleted,
        created_at: new Date(v.createdAt).toISOString(),
        created_by: v.createdBy,
      })),
    },
  });
});

/** Mounted at /v1/orchestrator/stacks (behind the operator gate). */
export const stateCredentials = new Hono<AppEnv>();
stateCredentials.use(gate(operatorRoles, 'orchestrator'));

export const credentialBody = z
  .object({ ttl_seconds: z.number().int().min(60).max(86_400).optional() })
  .strict();

stateCredentials.post('/:id/state-credentials', async (c) => {
  const stackId = c.req.param('id');
  const { orgId } = c.get('principal');
  const body =
    c.req.header('content-length') === '0' || !c.req.header('content-type')
      ? {}
      : await readJson(c, credentialBody);
  if ((await stackOwner(c.env, stackId)) !== orgId)
    throw new ApiError('NOT_FOUND', `stack ${stackId} not found`);
  const config = c.get('config');
  const backend = await stateBackendFor(
    c.env,
    config.PUBLIC_EDGE_URL ?? new URL(c.req.url).origin,
    { id: stackId, orgId },
    body.ttl_seconds,
  );
  const exp = decodeJwt(backend.password).exp ?? 0;
  return c.json({ data: { backend, expires_at: new Date(exp * 1000).toISOString() } }, 201);
});

/** Mounted at /api/internal/tofu-state (platform admins). */
export const tofuStateInternal = new Hono<AppEnv>();
tofuStateInternal.use(gate(platformAdmin, 'admin'));

export const ownerBody = z.object({ org_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) }).strict();

tofuStateInternal.put('/:stackId/owner', async (c) => {
  const stackId = c.req.param('stackId');
  const { org_id } = await readJson(c, ownerBody);
  if (!isStackId(stackId)) throw new ApiError('VALIDATION_FAILED', `invalid stack id ${stackId}`);
  const before = await stackOwner(c.env, stackId);
  if (!(await claimStack(c.env, stackId, org_id))) {
    throw new ApiError('CONFLICT', `stack ${stackId} belongs to another org`);
  }
  if (before !== org_id) {
    await audit(c.get('db')(), {
      ...auditContext(c),
      action: 'tofu_state.claim',
      target: stackId,
      before: null,
      after: { org_id },
    });
  }
  return c.json({ data: { stack_id: stackId, org_id } });
});
