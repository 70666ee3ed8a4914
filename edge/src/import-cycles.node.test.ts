/**
 * No import cycles in the edge (issue 14). dpdm walks every module from every source file with
 * type-only imports dropped (`transform`): every Durable Object class is a type import of `Env`
 * (platform/env.ts, as the Env `wrangler types` generates), so cycles through types are how the
 * bindings are typed and not a coupling of code. What runs must form no cycle — and the two Durable
 * Objects that call each other, the AgentObject and the StackObject, must not reach each other's
 * module at all: they talk through their handle modules (jobs/agent-queue.ts,
 * stacks/object/stack-handle.ts), whose stubs are typed from the classes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { beforeAll, describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));
const root = join(src, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts'))
      out.push(path);
  }
  return out;
}

const files = sources(src).map((f) => relative(root, f));
const agentObject = 'edge/src/jobs/agent-object.ts';
const stackObject = 'edge/src/stacks/object/stack-object.ts';

type Tree = Awaited<ReturnType<typeof parseDependencyTree>>;
let tree: Tree;

/** Every module `from` loads when it runs. */
function reachable(from: string): Set<string> {
  const seen = new Set<string>();
  const next = [from];
  while (next.length > 0) {
    const id = next.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const dep of tree[id] ?? []) if (dep.id && !seen.has(dep.id)) next.push(dep.id);
  }
  seen.delete(from);
  return seen;
}

beforeAll(async () => {
  tree = await parseDependencyTree(files, {
    cwd: root,
    context: root,
    transform: true,
    skipDynamicImports: false,
    include: /\.ts$/,
    exclude: /node_modules/,
  });
}, 120_000);

describe('edge imports', () => {
  it('form no cycles', () => {
    expect(Object.keys(tree).length).toBeGreaterThanOrEqual(files.length);
    expect(parseCircular(tree).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('keep the AgentObject and the StackObject apart', () => {
    expect(reachable(agentObject).has(stackObject)).toBe(false);
    expect(reachable(stackObject).has(agentObject)).toBe(false);
    // Not even a type import between the two: each knows the other only through its handle.
    const imports = (file: string) => readFileSync(join(root, file), 'utf8');
    expect(imports(agentObject)).not.toMatch(/from '[^']*stack-object\.ts'/);
    expect(imports(stackObject)).not.toMatch(/from '[^']*agent-object\.ts'/);
  });

  it('keep the Durable Object modules off the import chain of app.ts', () => {
    // The e2e route list and the Node tools load app.ts outside workerd, where 'cloudflare:workers'
    // does not exist; only src/index.ts, the Worker's entry, may load the classes.
    const objects = files.filter((f) =>
      readFileSync(join(root, f), 'utf8').includes("from 'cloudflare:workers'"),
    );
    expect(objects.length).toBeGreaterThanOrEqual(4);
    const loaded = reachable('edge/src/app.ts');
    expect(objects.filter((f) => loaded.has(f))).toEqual([]);
  });
});
