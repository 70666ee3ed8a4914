/**
 * Stacks over REST (`/v1/orchestrator/stacks`): thin handlers over orchestrator/stacks.ts, which
 * the ConnectRPC service calls too.
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readCappedText, readJson, readPage } from '../platform/validate.ts';
import { addAppBody, addAppToStack } from './app-service.ts';
import { getBindingProposal, proposalQuery } from './binding-proposal.ts';
import { bootstrapBody, bootstrapNode } from './bootstrap-service.ts';
import { orchContext } from './context.ts';
import type { Binding } from './object/stack-object.ts';
import * as orch from './service.ts';
import { bindingsSchema, MAX_SPEC_BYTES } from './spec-input.ts';
import { getSwarm } from './swarm-service.ts';
import { listOrgWorkflows } from './workflow-list.ts';

export const stacks = new Hono<AppEnv>();
stacks.use(gate(operatorRoles, 'orchestrator'));

// Another org's stack is a 404 on every route, before any body is read (so no route answers
// differently for a stack the caller cannot see).
stacks.use('/:id/*', async (c, next) => {
  await orch.assertStack(orchContext(c), c.req.param('id') ?? '');
  await next();
});

async function specBody(c: Context<AppEnv>) {
  return orch.readSpecInput(
    c.req.header('content-type') ?? '',
    await readCappedText(c, MAX_SPEC_BYTES, 'the spec'),
  );
}

stacks.get('/', async (c) => {
  const page = readPage(c);
  const { rows, total } = await orch.listStacks(orchContext(c), page);
  return c.json({ data: rows, pagination: { page: page.page, per_page: page.perPage, total } });
});

stacks.post('/', async (c) => {
  const input = await specBody(c);
  return c.json({ data: await orch.createStack(orchContext(c), input) }, 201);
});

stacks.get('/:id', async (c) => c.json({ data: await orch.getStack(orchContext(c), c.req.param('id')) }));

stacks.delete('/:id', async (c) =>
  c.json({
    data: await orch.deleteStack(orchContext(c), c.req.param('id'), c.req.query('force') === 'true'),
  }),
);

stacks.get('/:id/versions', async (c) =>
  c.json({ data: await orch.listVersions(orchContext(c), c.req.param('id')) }),
);

stacks.post('/:id/spec', async (c) => {
  const input = await specBody(c);
  return c.json({ data: await orch.addSpecVersion(orchContext(c), c.req.param('id'), input) }, 201);
});

// The node's layer-1 setup from the current plan, as a node.bootstrap job (bootstrap-service.ts).
stacks.post('/:id/nodes/:node/bootstrap', async (c) => {
  const body = await actionBody(c, bootstrapBody);
  const out = await bootstrapNode(orchContext(c), c.req.param('id'), c.req.param('node'), body);
  return c.json({ data: out }, 202);
});

// The stack's swarm as a manager sees it now (swarm-service.ts).
stacks.get('/:id/swarm', async (c) => {
  const wait = Number(c.req.query('wait_seconds') ?? 20);
  const waitMs = Math.min(60, Math.max(1, Number.isFinite(wait) ? wait : 20)) * 1000;
  return c.json({ data: await getSwarm(orchContext(c), c.req.param('id'), waitMs) });
});

// A catalog app into the current spec, as a new version. The answer holds the app's generated
// secrets, once: never cached on the way.
stacks.post('/:id/apps', async (c) => {
  const body = await readJson(c, addAppBody);
  c.header('Cache-Control', 'no-store');
  return c.json({ data: await addAppToStack(orchContext(c), c.req.param('id'), body) }, 201);
});

export const rollbackBody = z.object({ version: z.number().int().min(1) }).strict();
stacks.post('/:id/rollback', async (c) => {
  const { version } = await readJson(c, rollbackBody);
  return c.json({ data: await orch.rollback(orchContext(c), c.req.param('id'), version) }, 201);
});

stacks.get('/:id/spec', async (c) => {
  const raw = c.req.query('version');
  const version = raw === undefined ? undefined : Number(raw);
  if (version !== undefined && !(Number.isInteger(version) && version >= 1)) {
    throw new ApiError('VALIDATION_FAILED', 'version must be an integer ≥ 1', {
      details: [{ path: 'version', code: 'out_of_range', message: 'must be an integer ≥ 1' }],
    });
  }
  const spec = await orch.getSpec(orchContext(c), c.req.param('id'), version);
  if ((c.req.header('accept') ?? '').includes('yaml') && spec.format === 'yaml') {
    return c.body(spec.source, 200, { 'content-type': 'application/yaml; charset=utf-8' });
  }
  return c.json({ data: spec });
});

stacks.get('/:id/plan', async (c) => c.json({ data: await orch.getPlan(orchContext(c), c.req.param('id')) }));

stacks.get('/:id/export', async (c) =>
  c.json({ data: await orch.exportStack(orchContext(c), c.req.param('id')) }),
);

export const bindingsBody = z.object({ bindings: bindingsSchema }).strict();

stacks.put('/:id/bindings', async (c) => {
  const body = await readJson(c, bindingsBody);
  return c.json({
    data: await orch.setBindings(orchContext(c), c.req.param('id'), body.bindings as Record<string, Binding>),
  });
});

// What a simulation's nodes would run, by role and kind; nothing is saved.
stacks.get('/:id/bindings/proposal', async (c) => {
  const query = proposalQuery.safeParse({ simulation: c.req.query('simulation') });
  if (!query.success)
    throw new ApiError('VALIDATION_FAILED', 'simulation: the id of one of your simulations is required', {
      details: [{ path: 'simulation', code: 'required', message: 'a simulation id' }],
    });
  return c.json({
    data: await getBindingProposal(orchContext(c), c.req.param('id'), query.data.simulation),
  });
});

export const settingsBody = z
  .object({
    drift_interval_seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86400),
  })
  .strict();
stacks.put('/:id/settings', async (c) => {
  const body = await readJson(c, settingsBody);
  return c.json({
    data: await orch.setDriftInterval(orchContext(c), c.req.param('id'), body.drift_interval_seconds),
  });
});

/** Action bodies are optional: an empty POST takes the defaults. */
async function actionBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const length = c.req.header('content-length');
  if (!c.req.header('content-type') && (!length || length === '0')) return schema.parse({});
  return readJson(c, schema);
}

export const provisionBody = z
  .object({ dry_run: z.boolean().optional(), auto_approve: z.boolean().optional() })
  .strict();
export const destroyBody = z
  .object({
    force: z.boolean().optional(),
    auto_approve: z.boolean().optional(),
    volumes: z.boolean().optional(),
  })
  .strict();

for (const kind of ['provision', 'deploy', 'plan'] as const) {
  stacks.post(`/:id/${kind}`, async (c) => {
    const options = await actionBody(c, provisionBody);
    return c.json({ data: await orch.runAction(orchContext(c), c.req.param('id'), kind, options) }, 202);
  });
}

stacks.post('/:id/destroy', async (c) => {
  const options = await actionBody(c, destroyBody);
  return c.json({ data: await orch.runAction(orchContext(c), c.req.param('id'), 'destroy', options) }, 202);
});

stacks.get('/:id/workflows', async (c) => {
  const page = readPage(c);
  const query = { ...c.req.query(), stack_id: c.req.param('id') };
  const { rows, total } = await listOrgWorkflows(orchContext(c), query, page);
  return c.json({ data: rows, pagination: { page: page.page, per_page: page.perPage, total } });
});
