/**
 * Golden tests: every kit × variant example in stackkits/examples/ resolves to the plan, OpenTofu
 * files and job plan committed under stackkits/testdata/golden/<kit>-<variant>/, byte for byte.
 * A change to the output shows up as a diff here. Regenerate on purpose with
 *
 *   UPDATE_GOLDENS=1 npx vitest run --project unit stackkits
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toJobPlan } from '../generate/to-job-plan.ts';
import { toOpenTofu } from '../generate/to-open-tofu.ts';
import { listKits } from '../kit/registry.ts';
import { parseSpec } from '../spec/validate.ts';
import { serializePlan } from './plan.ts';
import { resolve } from './resolve.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examplesDir = join(root, 'examples');
const goldenDir = join(root, 'testdata', 'golden');
const update = process.env.UPDATE_GOLDENS === '1';

const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

/** What the Unifier produces for one example, by file name. */
function artifacts(name: string): Record<string, string> {
  const { spec, errors } = parseSpec(readFileSync(join(examplesDir, `${name}.yaml`), 'utf8'));
  expect(errors, `${name}.yaml must be valid`).toEqual([]);
  const plan = resolve(spec!);
  expect(`${plan.stack.kit}-${plan.stack.variant}`, 'an example is named <kit>-<variant>').toBe(name);
  return {
    'plan.json': serializePlan(plan),
    ...toOpenTofu(plan),
    'jobs.json': `${JSON.stringify(toJobPlan(plan), null, 2)}\n`,
  };
}

describe('golden outputs', () => {
  it('has an example for every kit and variant', () => {
    const all = listKits().flatMap((k) => k.variants.map((v) => `${k.name}-${v.name}`));
    expect(examples).toEqual(all.sort());
  });

  it.each(examples)('%s', (name) => {
    const files = artifacts(name);
    const dir = join(goldenDir, name);
    if (update) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    }
    expect(readdirSync(dir).sort(), `files in testdata/golden/${name}`).toEqual(Object.keys(files).sort());
    for (const [file, text] of Object.entries(files)) {
      const committed = readFileSync(join(dir, file), 'utf8');
      expect(text, `testdata/golden/${name}/${file} differs (UPDATE_GOLDENS=1 to accept)`).toBe(committed);
    }
  });

  it('resolves each example to the same bytes twice', () => {
    for (const name of examples) expect(artifacts(name)).toEqual(artifacts(name));
  });
});
