import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/validate.ts';
import { addNode } from './add-node.ts';

const spec = `# my lab
name: lab
kit: modern-homelab
nodes:
  - name: box # the first one
    type: main
services: []
`;

describe('addNode', () => {
  it('appends the node and keeps comments and layout', () => {
    const out = addNode({ into: spec, node: { name: 'nas', type: 'worker', labels: { disk: 'big' } } });
    expect(out.errors).toEqual([]);
    expect(out.yaml).toContain('# my lab');
    expect(out.yaml).toContain('- name: box # the first one');
    const parsed = parseSpec(out.yaml!);
    expect(parsed.spec?.nodes.map((n) => [n.name, n.type])).toEqual([
      ['box', 'main'],
      ['nas', 'worker'],
    ]);
  });

  it('reports problems of the node under node., and a name the spec has as a duplicate', () => {
    const bad = addNode({ into: spec, node: { name: 'Bad Name', type: 'nope' } });
    expect(bad.yaml).toBeUndefined();
    expect(bad.errors.map((e) => e.path).sort()).toEqual(['node.name', 'node.type']);
    const dup = addNode({ into: spec, node: { name: 'box', type: 'worker' } });
    expect(dup.errors).toEqual([expect.objectContaining({ path: 'node.name', code: 'duplicate' })]);
    expect(addNode({ into: spec, node: 'box' }).errors[0]).toMatchObject({ path: 'node' });
  });

  it("keeps the kit's rules: base-homelab runs on one node", () => {
    const one = spec.replace('kit: modern-homelab', 'kit: base-homelab');
    const out = addNode({ into: one, node: { name: 'nas', type: 'worker' } });
    expect(out.errors).toEqual([expect.objectContaining({ path: 'nodes', code: 'kit_constraint' })]);
  });

  it('does not add to a spec that is invalid already', () => {
    const out = addNode({ into: 'name: [', node: { name: 'nas', type: 'worker' } });
    expect(out.yaml).toBeUndefined();
    expect(out.errors.length).toBeGreaterThan(0);
  });
});
