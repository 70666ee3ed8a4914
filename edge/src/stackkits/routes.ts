/**
 * StackKits over HTTP: the catalog and JSON Schemas (public, so editors can fetch the schema),
 * and validate / generate for signed-in callers — the same library code the `stackkit` CLI runs.
 */
import {
  kitNames,
  kitSchema,
  listKits,
  parseSpec,
  resolve,
  type SpecResult,
  specJsonSchema,
  toJobPlan,
  toOpenTofu,
  validateSpec,
} from '@kombify/stackkits';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { anyRole, gate, operatorRoles } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readCappedText } from '../platform/validate.ts';

/**
 * `/v1/stackkits`: the catalog and schemas are public; `validate` and `generate` do work for a
 * signed-in caller, so each carries the gate.
 */
export const stackkitCatalog = new Hono<AppEnv>();
const signedIn = gate(anyRole, 'stackkits');

/** `/v1/orchestrator/unifier/validate`: the same validation for operators, on the orchestrator's path. */
export const unifier = new Hono<AppEnv>();
unifier.use(gate(operatorRoles, 'orchestrator'));

const MAX_SPEC_BYTES = 1024 * 1024;

stackkitCatalog.get('/', (c) => {
  c.header('Cache-Control', 'public, max-age=300');
  return c.json({ data: listKits() });
});

stackkitCatalog.get('/schema', (c) => {
  c.header('Cache-Control', 'public, max-age=300');
  return c.json(specJsonSchema());
});

stackkitCatalog.get('/:kit', (c) => {
  const kit = listKits().find((k) => k.name === c.req.param('kit'));
  if (!kit)
    throw new ApiError('NOT_FOUND', `no StackKit named ${c.req.param('kit')}; known: ${kitNames.join(', ')}`);
  return c.json({ data: kit });
});

stackkitCatalog.get('/:kit/schema', (c) => {
  const name = c.req.param('kit');
  if (!(kitNames as readonly string[]).includes(name))
    throw new ApiError('NOT_FOUND', `no StackKit named ${name}`);
  c.header('Cache-Control', 'public, max-age=300');
  return c.json(kitSchema(name as (typeof kitNames)[number]));
});

const options = z
  .object({
    mirror: z.string().max(253).optional(),
    images: z.record(z.string(), z.string().max(512)).optional(),
  })
  .strict()
  .optional();

export const specBody = z.object({ spec: z.unknown(), options }).strict();

/**
 * Reads a kombination spec from the body: YAML text (`application/yaml`, errors with line and
 * column) or JSON `{"spec": {…}, "options"?: {…}}`.
 */
async function readSpec(
  c: Context<AppEnv>,
): Promise<{ result: SpecResult; options: z.output<typeof options> }> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const text = await readCappedText(c, MAX_SPEC_BYTES, 'the spec');
  if (type.includes('yaml') || type.startsWith('text/plain'))
    return { result: parseSpec(text), options: undefined };
  if (!type.startsWith('application/json')) {
    throw new ApiError('VALIDATION_FAILED', 'send the spec as application/yaml, or as JSON {"spec": {…}}');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError('VALIDATION_FAILED', 'request body is not valid JSON');
  }
  const parsed = specBody.safeParse(body);
  if (!parsed.success)
    throw new ApiError(
      'VALIDATION_FAILED',
      'JSON body must be {"spec": {…}, "options"?: {"mirror"?, "images"?}}',
    );
  return { result: validateSpec(parsed.data.spec), options: parsed.data.options };
}

function requireValid(result: SpecResult) {
  if (!result.spec) {
    const first = result.errors[0];
    throw new ApiError(
      'VALIDATION_FAILED',
      `the spec has ${result.errors.length} problem(s)${first ? `; first: ${first.path || '(document)'}: ${first.message}` : ''}`,
      { details: result.errors },
    );
  }
  return result.spec;
}

async function validateRoute(c: Context<AppEnv>) {
  const { result } = await readSpec(c);
  const spec = requireValid(result);
  return c.json({
    data: {
      valid: true,
      name: spec.name,
      kit: spec.kit,
      nodes: spec.nodes.length,
      services: spec.services.length,
    },
  });
}

stackkitCatalog.post('/validate', signedIn, validateRoute);
unifier.post('/validate', validateRoute);

stackkitCatalog.post('/generate', signedIn, async (c) => {
  const { result, options: opts } = await readSpec(c);
  const spec = requireValid(result);
  let plan: ReturnType<typeof resolve>;
  try {
    plan = resolve(spec, {
      ...(opts?.mirror ? { mirror: opts.mirror } : {}),
      ...(opts?.images ? { images: opts.images } : {}),
    });
  } catch (error) {
    throw new ApiError('VALIDATION_FAILED', (error as Error).message, {
      details: (error as { errors?: unknown }).errors,
    });
  }
  return c.json({ data: { plan, files: toOpenTofu(plan), jobs: toJobPlan(plan) } });
});
