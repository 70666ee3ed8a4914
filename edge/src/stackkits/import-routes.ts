/**
 * `POST /v1/stackkits/import`: docker-compose text → a kombination.yaml, through the same
 * `importCompose` the `stackkit import` CLI runs. Signed-in callers; nothing is stored.
 */
import { importCompose, kitNames, maxComposeBytes } from '@kombify/stackkits';
import { Hono } from 'hono';
import { z } from 'zod';
import { anyRole, gate } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { checkBody, readCappedText } from '../platform/validate.ts';

export const composeImport = new Hono<AppEnv>();
const signedIn = gate(anyRole, 'stackkits');

/** The compose text plus room for the JSON wrapper, the `.env` text and the other fields. */
const MAX_BODY_BYTES = maxComposeBytes + 64 * 1024;
const FILE_NAME = 'docker-compose.yml';

export const composeJsonBody = z
  .object({
    compose: z.string().min(1),
    kit: z.enum(kitNames).optional(),
    node: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/, 'must be a spec node name')
      .optional(),
    env: z.string().optional(),
  })
  .strict();
type ImportBody = z.output<typeof composeJsonBody>;

/** YAML (`application/yaml`, `text/yaml`, `application/x-yaml`) is the compose file itself. */
function isYaml(type: string): boolean {
  return /^(application|text)\/(x-)?yaml\b/.test(type);
}

composeImport.post('/import', signedIn, async (c) => {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (!isYaml(type) && !type.startsWith('application/json')) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'send the compose file as application/yaml, or as JSON {"compose": "…", "kit"?, "node"?, "env"?}',
    );
  }
  // Refused before parsing: the cap is checked while the body is read.
  const text = await readCappedText(c, MAX_BODY_BYTES, 'the compose file');
  let body: ImportBody;
  if (isYaml(type)) body = { compose: text };
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError('VALIDATION_FAILED', 'request body is not valid JSON');
    }
    body = checkBody(composeJsonBody, parsed);
  }
  const result = importCompose({
    files: [{ name: FILE_NAME, text: body.compose }],
    ...(body.env !== undefined ? { env: body.env } : {}),
    ...(body.kit ? { kit: body.kit } : {}),
    ...(body.node ? { node: body.node } : {}),
  });
  if (!result.spec || !result.yaml) {
    const first = result.errors[0];
    const where = first ? `${first.line ? `line ${first.line}: ` : ''}${first.path || '(file)'}: ` : '';
    throw new ApiError(
      'VALIDATION_FAILED',
      `the compose file has ${result.errors.length} problem(s)${first ? `; first: ${where}${first.message}` : ''}`,
      { details: result.errors },
    );
  }
  // The values of proposed secrets stay out of the answer: the caller has them in its own file.
  return c.json({
    data: {
      spec: result.spec,
      yaml: result.yaml,
      warnings: result.warnings,
      services: result.services,
      secrets: result.secrets,
    },
  });
});
