/**
 * Writing what `import` and `add` produce: the spec (whole, through a temporary file and a rename,
 * so a failure never leaves half a file) and the generated or imported secret values, into the
 * deployment directory's `secrets.auto.tfvars.json` (mode 0600), which OpenTofu reads and
 * `stackkit generate` never touches. Values already there are kept.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { secretVariableName } from '../index.ts';

export const secretsFile = 'secrets.auto.tfvars.json';

export function writeAtomically(file: string, text: string, mode?: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, mode === undefined ? undefined : { mode });
  renameSync(temp, file);
  if (mode !== undefined) chmodSync(file, mode);
}

/** Adds values by secret ref; returns the refs stored (refs with a value there already are kept). */
export function storeSecrets(
  deployDir: string,
  values: Record<string, string>,
): { file: string; stored: string[]; kept: string[] } {
  const file = join(deployDir, secretsFile);
  let current: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) current = parsed;
  } catch {}
  const stored: string[] = [];
  const kept: string[] = [];
  for (const [ref, value] of Object.entries(values)) {
    const variable = secretVariableName(ref);
    if (Object.hasOwn(current, variable)) kept.push(ref);
    else {
      current[variable] = value;
      stored.push(ref);
    }
  }
  if (stored.length > 0) writeAtomically(file, `${JSON.stringify(current, null, 2)}\n`, 0o600);
  return { file, stored, kept };
}
