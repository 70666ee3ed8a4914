/**
 * Adding a catalog app (stackkits/apps/) to a stack: the app's services go into the stack's
 * current spec, which becomes a new spec version — the same path `POST /stacks/{id}/spec` takes
 * (validated and resolved before anything is stored, the name must stay). The app's required
 * secrets are generated here and stored in the org's secret store (a path already set keeps its
 * value), so a deploy delivers them; the spec holds only their `secret://` references. The values
 * are also handed to the caller once (e.g. an admin token to sign in with): never logged or put in
 * a version note, event or audit row.
 */
import { addApp, secretRef } from '@kombify/stackkits';
import { z } from 'zod';
import { audit } from '../platform/db/audit.ts';
import { ApiError } from '../platform/errors.ts';
import { putSecretIfAbsent } from '../secrets/index.ts';
import { actor, locate, type OrchContext } from './access.ts';
import { addSpecVersion } from './service.ts';
import { readSpecInput, specOptionsSchema } from './spec-input.ts';

export const addAppBody = z
  .object({
    app: z.string().min(1).max(63),
    /** The spec node the app's services run on; default the spec's first main node. */
    node: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/, 'must be a spec node name')
      .optional(),
    /** resolve() options for the new version (image overrides, mirror), over the current version's. */
    options: specOptionsSchema.optional(),
  })
  .strict();
export type AddAppBody = z.output<typeof addAppBody>;

/** What the caller gets: the new version, what was added, and the generated secrets (shown once). */
export interface AddedApp {
  version: Awaited<ReturnType<typeof addSpecVersion>>;
  app: string;
  services: string[];
  secrets: { ref: string; variable: string; description: string; value: string }[];
}

export async function addAppToStack(ctx: OrchContext, id: string, body: AddAppBody): Promise<AddedApp> {
  const { stack } = await locate(ctx, id);
  const current = await stack.currentVersion();
  if (!current) throw new ApiError('NOT_FOUND', `stack ${id} has no spec`);
  // A JSON spec is YAML too: addApp reads either and writes YAML with the layout kept.
  const added = addApp({ app: body.app, into: current.source, ...(body.node ? { node: body.node } : {}) });
  if (!added.yaml) {
    const unknownApp = added.errors.some((e) => e.path === '' && e.code === 'invalid_reference');
    const first = added.errors[0];
    throw new ApiError(
      'VALIDATION_FAILED',
      unknownApp
        ? `no app named ${body.app} in the catalog`
        : `${body.app} cannot be added to this stack${first ? `: ${first.path || '(spec)'}: ${first.message}` : ''}`,
      {
        details: unknownApp
          ? [{ path: 'app', code: 'invalid_reference', message: 'no such app in the catalog' }]
          : added.errors,
      },
    );
  }
  const options = {
    ...current.options,
    ...body.options,
    ...(current.options.images || body.options?.images
      ? { images: { ...current.options.images, ...body.options?.images } }
      : {}),
  };
  const input = readSpecInput(
    'application/json',
    JSON.stringify({
      yaml: added.yaml,
      options,
      ...(current.tofu ? { tofu: { files: current.tofu.files, vars: current.tofu.vars } } : {}),
      note: `added app ${body.app}`,
    }),
  );
  const version = await addSpecVersion(ctx, id, input);
  for (const s of added.secrets) {
    const path = secretRef(s.ref);
    const value = added.secretValues[s.ref];
    if (value === undefined) continue;
    const by = actor(ctx.principal);
    if (await putSecretIfAbsent(ctx.db, ctx.config, ctx.principal.orgId, path, value, by)) {
      await audit(ctx.db, {
        actor: by,
        ip: null,
        action: 'secret.generate',
        target: `secret:${ctx.principal.orgId}/${path}`,
        before: null,
        after: { version: 1, for: `app ${body.app} in stack ${id}` },
      });
    }
  }
  return {
    version,
    app: body.app,
    services: added.services,
    secrets: added.secrets.map((s) => ({ ...s, value: added.secretValues[s.ref] ?? '' })),
  };
}
