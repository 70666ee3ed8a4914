/**
 * A stack spec as a request carries it: `kombination.yaml` text (`application/yaml`, errors with
 * line and column) or JSON `{"spec": {…}, …}`. Validated and resolved before anything is stored, so
 * a bad spec is refused with every problem and nothing half-written.
 */

import {
  type Kombination,
  parseSpec,
  resolve,
  type Spec,
  type SpecResult,
  validateSpec,
} from '@kombify/stackkits';
import { z } from 'zod';
import { ApiError } from '../platform/errors.ts';
import { checkBody } from '../platform/validate.ts';
import type { SpecVersion } from './object/stack-store.ts';

export const MAX_SPEC_BYTES = 1024 * 1024;
const nodeName = z.string().regex(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/, 'must be a spec node name');

export const bindingSchema = z.union([
  z.object({ worker_id: z.string().min(1).max(64) }).strict(),
  z.object({ worker_name: z.string().min(1).max(253) }).strict(),
  z.object({ labels: z.record(z.string().min(1).max(128), z.string().max(256)) }).strict(),
  // A KombiSim node of one of the org's simulations (its simulated worker).
  z.object({ simulation: z.string().min(1).max(64), node: nodeName }).strict(),
]);
export const bindingsSchema = z.record(nodeName, bindingSchema);

export const specOptionsSchema = z
  .object({
    mirror: z.string().max(253).optional(),
    images: z.record(z.string(), z.string().max(512)).optional(),
  })
  .strict();

const tofuFileName = /^[A-Za-z0-9_.-]+\.(tf|tf\.json|tfvars)$/;
export const tofuSchema = z
  .object({
    files: z
      .record(
        z.string().regex(tofuFileName, 'must be a file name ending in .tf, .tf.json or .tfvars'),
        z.string(),
      )
      .refine((f) => Object.keys(f).length > 0, 'at least one file'),
    vars: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const specInputBody = z
  .object({
    /** The spec as JSON, or `yaml`: kombination.yaml text (so YAML can come with options). */
    spec: z.unknown().optional(),
    yaml: z.string().optional(),
    options: specOptionsSchema.optional(),
    tofu: tofuSchema.optional(),
    bindings: bindingsSchema.optional(),
    drift_interval_seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86400)
      .optional(),
    note: z.string().max(500).optional(),
  })
  .strict();

export interface SpecInput {
  version: Omit<SpecVersion, 'version' | 'createdAt'>;
  spec: Spec;
  bindings: z.output<typeof bindingsSchema> | undefined;
  driftIntervalSeconds: number | undefined;
}

function refuse(result: SpecResult): never {
  const first = result.errors[0];
  throw new ApiError(
    'VALIDATION_FAILED',
    `the spec has ${result.errors.length} problem(s)${first ? `; first: ${first.path || '(document)'}: ${first.message}` : ''}`,
    { details: result.errors },
  );
}

/** Reads, validates and resolves a spec from a request body; throws VALIDATION_FAILED with details. */
export function readSpecInput(contentType: string, text: string): SpecInput {
  const type = contentType.toLowerCase();
  if (text.length > MAX_SPEC_BYTES) throw new ApiError('VALIDATION_FAILED', 'the spec is larger than 1 MB');
  let result: SpecResult;
  let format: 'yaml' | 'json';
  let source: string;
  let extra: Omit<z.output<typeof specInputBody>, 'spec' | 'yaml'> = {};
  if (type.includes('yaml') || type.startsWith('text/plain')) {
    result = parseSpec(text);
    format = 'yaml';
    source = text;
  } else if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError('VALIDATION_FAILED', 'request body is not valid JSON');
    }
    const { spec, yaml, ...rest } = checkBody(specInputBody, body);
    if ((spec === undefined) === (yaml === undefined)) {
      throw new ApiError(
        'VALIDATION_FAILED',
        'send exactly one of "spec" (JSON) and "yaml" (kombination.yaml text)',
        {
          details: [{ path: 'spec', code: 'required', message: 'one of spec or yaml' }],
        },
      );
    }
    extra = rest;
    if (yaml !== undefined) {
      result = parseSpec(yaml);
      format = 'yaml';
      source = yaml;
    } else {
      result = validateSpec(spec);
      format = 'json';
      source = JSON.stringify(spec as Kombination);
    }
  } else {
    throw new ApiError('VALIDATION_FAILED', 'send the spec as application/yaml, or as JSON {"spec": {…}}');
  }
  if (!result.spec) refuse(result);
  const spec = result.spec;
  const options = extra.options ?? {};
  try {
    resolve(spec, options);
  } catch (error) {
    throw new ApiError('VALIDATION_FAILED', (error as Error).message, {
      details: (error as { errors?: unknown }).errors,
    });
  }
  if (extra.bindings) checkBindingNodes(extra.bindings, spec);

  return {
    version: {
      format,
      source,
      options,
      tofu: extra.tofu ?? null,
      name: spec.name,
      kit: spec.kit,
      note: extra.note ?? null,
    },
    spec,
    bindings: extra.bindings,
    driftIntervalSeconds: extra.drift_interval_seconds,
  };
}

/** The stored spec of a version, parsed again (it validated when it was accepted). */
export function specOfVersion(v: Pick<SpecVersion, 'format' | 'source'>): Spec {
  const result = v.format === 'yaml' ? parseSpec(v.source) : validateSpec(JSON.parse(v.source));
  if (!result.spec) refuse(result);
  return result.spec;
}

/** Bindings may only name nodes the spec has. */
export function checkBindingNodes(bindings: Record<string, unknown>, spec: Spec): void {
  const names = new Set(spec.nodes.map((n) => n.name));
  const unknown = Object.keys(bindings).filter((n) => !names.has(n));
  if (unknown.length > 0) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `bindings name nodes the spec does not have: ${unknown.join(', ')}`,
      {
        details: unknown.map((n) => ({
          path: `bindings.${n}`,
          code: 'invalid_reference',
          message: 'no such node in the spec',
        })),
      },
    );
  }
}
