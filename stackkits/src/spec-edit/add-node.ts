/**
 * Adding a node to a kombination.yaml, its comments and layout kept: for `POST
 * /v1/orchestrator/nodes`, which adds the node to a stack's spec and binds it in one call. The
 * whole spec is validated with the node in it, so the kit's rules apply (a second main node where
 * one is allowed, say); problems of the node itself are reported under `node.` rather than at its
 * index in `nodes`.
 */
import { parseDocument } from 'yaml';
import type { SpecError } from '../spec/errors.ts';
import { parseSpec } from '../spec/validate.ts';

export interface AddNodeResult {
  /** The spec with the node appended; absent when there are errors. */
  yaml?: string;
  errors: SpecError[];
}

export function addNode(input: { into: string; node: unknown }): AddNodeResult {
  const { node } = input;
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    return {
      errors: [{ path: 'node', code: 'invalid_value', message: 'must be an object: {name, type, …}' }],
    };
  }
  const current = parseSpec(input.into);
  if (!current.spec) return { errors: current.errors };
  const name = (node as { name?: unknown }).name;
  if (typeof name === 'string' && current.spec.nodes.some((n) => n.name === name)) {
    return {
      errors: [{ path: 'node.name', code: 'duplicate', message: `the spec already has a node "${name}"` }],
    };
  }
  const doc = parseDocument(input.into);
  const seq = doc.get('nodes', true) as { items?: unknown[] } | undefined;
  const index = Array.isArray(seq?.items) ? seq.items.length : 0;
  if (seq && Array.isArray(seq.items)) seq.items.push(doc.createNode(node));
  else doc.set('nodes', doc.createNode([node]));
  const yaml = doc.toString({ lineWidth: 0 });
  const after = parseSpec(yaml);
  if (after.spec) return { yaml, errors: [] };
  const own = `nodes[${index}]`;
  return {
    errors: after.errors.map(({ line: _l, column: _c, ...e }) =>
      e.path === own || e.path.startsWith(`${own}.`) ? { ...e, path: `node${e.path.slice(own.length)}` } : e,
    ),
  };
}
