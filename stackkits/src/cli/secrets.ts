/**
 * Secrets of the generated configuration (sensitive variables in variables.tf.json) that have no
 * value yet: checked before running tofu, so a missing one is named instead of tofu failing late.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Secret variables (variables.tf.json) without a value in TF_VAR_* or a JSON tfvars file. */
export function missingSecrets(dir: string, env: Record<string, string | undefined>): string[] {
  let names: string[];
  try {
    const vars = JSON.parse(readFileSync(join(dir, 'variables.tf.json'), 'utf8')) as {
      variable?: Record<string, { default?: unknown }>;
    };
    names = Object.entries(vars.variable ?? {})
      .filter(([, v]) => v.default === undefined)
      .map(([name]) => name);
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  const given = new Set<string>();
  for (const file of readdirSync(dir)) {
    if (file === 'terraform.tfvars' || file.endsWith('.auto.tfvars')) return []; // HCL: the tool checks
    if (file === 'terraform.tfvars.json' || file.endsWith('.auto.tfvars.json')) {
      try {
        for (const key of Object.keys(JSON.parse(readFileSync(join(dir, file), 'utf8')) ?? {}))
          given.add(key);
      } catch {}
    }
  }
  return names.filter((name) => !given.has(name) && env[`TF_VAR_${name}`] === undefined);
}
