/**
 * Golden tests of the compose importer: each folder of testdata/compose/ is one hand-written case
 * (compose.yml, optionally override.yml merged after it, .env, files it reads, options.json with
 * kit/profiles). The importer's whole answer — spec YAML, warnings, errors, secrets — is compared
 * with expected.json (regenerate after an intended change: UPDATE_GOLDENS=1, then review the
 * diff). Valid results also round-trip: the YAML validates and resolves to a plan and OpenTofu.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toOpenTofu } from '../generate/to-open-tofu.ts';
import { parseSpec } from '../spec/validate.ts';
import { resolve } from '../unifier/resolve.ts';
import { importCompose } from './import-compose.ts';
import type { ComposeImportInput } from './types.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'testdata', 'compose');
const cases = readdirSync(root)
  .filter((d) => existsSync(join(root, d, 'compose.yml')))
  .sort();

function run(dir: string) {
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
  const files = [{ name: 'compose.yml', text: read('compose.yml')! }];
  const override = read('override.yml');
  if (override !== undefined) files.push({ name: 'override.yml', text: override });
  const options = JSON.parse(read('options.json') ?? '{}') as Partial<ComposeImportInput>;
  const env = read('.env');
  return importCompose({
    ...options,
    files,
    ...(env !== undefined ? { env } : {}),
    projectDir: '/srv/project',
    readFile: (p) => read(p.replace(/^\.\//, '')),
  });
}

describe('compose import goldens', () => {
  it('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));

  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      const result = run(dir);
      const actual = {
        yaml: result.yaml ?? null,
        services: result.services,
        secrets: result.secrets,
        secretValueRefs: Object.keys(result.secretValues).sort(),
        warnings: result.warnings,
        errors: result.errors,
      };
      const file = join(dir, 'expected.json');
      if (process.env.UPDATE_GOLDENS) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      // Every problem is located: a file, a line and a column.
      for (const issue of [...result.warnings, ...result.errors]) {
        expect(issue.file, JSON.stringify(issue)).not.toBe('');
        if (issue.file !== 'kombination.yaml') expect(issue.line, JSON.stringify(issue)).toBeGreaterThan(0);
      }
      if (result.yaml) {
        expect(result.errors).toEqual([]);
        const { spec, errors } = parseSpec(result.yaml);
        expect(errors).toEqual([]);
        const files = toOpenTofu(resolve(spec!));
        expect(files['main.tf.json']).toMatch(/docker_container|docker_service/);
        // Secret values reach neither the spec nor the OpenTofu files.
        for (const value of Object.values(result.secretValues)) {
          expect(result.yaml).not.toContain(value.trim());
          expect(files['main.tf.json']).not.toContain(value.trim());
        }
      } else {
        expect(result.errors.length).toBeGreaterThan(0);
      }
    });
  }
});
