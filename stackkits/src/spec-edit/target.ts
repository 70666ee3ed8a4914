/**
 * Adding services to a kombination.yaml — a new one, or an existing one whose comments and layout
 * are kept — for the compose importer and `add` of catalog apps. Names stay unique: a name the
 * spec or the kit's catalog already uses gets a `-2`, `-3`, … suffix.
 */
import { type Document, parseDocument, stringify } from 'yaml';
import { catalogNames } from '../../platforms/docker/catalog.ts';
import { sampleNodes } from '../kit/sample-nodes.ts';
import type { SpecError } from '../spec/errors.ts';
import type { ServiceInput } from '../spec/schema.ts';
import { parseSpec } from '../spec/validate.ts';
import { type KitName, kitNames } from '../spec/vocabulary.ts';

export interface TargetOptions {
  /** An existing kombination.yaml; default a new spec. */
  into?: string;
  kit?: KitName;
  /** Node the added services run on; for a new spec, the name of its first node. */
  node?: string;
  /** Stack name of a new spec. */
  name?: string;
}

export interface SpecTarget {
  /** The existing document (comments kept), or null for a new spec. */
  doc: Document | null;
  data: Record<string, unknown>;
  kit: KitName;
  /** Set when the added services are pinned to a node. */
  node: string | undefined;
  /** Service names already taken (the spec's and the kit catalog's). */
  taken: Set<string>;
  /** Why services cannot be added (the existing spec is invalid, the node is unknown). */
  errors: SpecError[];
}

const dnsLabel = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** A DNS label from any name: `My_App.1` → `my-app-1`; null when nothing usable is left. */
export function toDnsLabel(name: string): string | null {
  let label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (label.length === 1) label = `${label}-svc`;
  return dnsLabel.test(label) ? label : null;
}

/** `wanted` if free, else `wanted-2`, `wanted-3`, …; the result is added to `taken`. */
export function uniqueName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let i = 2; taken.has(name); i++) {
    const suffix = `-${i}`;
    name = `${wanted.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
  }
  taken.add(name);
  return name;
}

export function openTarget(options: TargetOptions): SpecTarget {
  const taken = new Set<string>(catalogNames);
  if (options.into === undefined) {
    const kit = options.kit ?? 'base-homelab';
    const name = (options.name && toDnsLabel(options.name)) || 'homelab';
    const data: Record<string, unknown> = {
      name,
      ...(options.kit ? { kit: options.kit } : {}),
      nodes: sampleNodes(kit, options.node),
      services: [],
    };
    return { doc: null, data, kit, node: options.node, taken, errors: [] };
  }
  const parsed = parseSpec(options.into);
  if (!parsed.spec) {
    return {
      doc: null,
      data: {},
      kit: options.kit ?? 'base-homelab',
      node: options.node,
      taken,
      errors: parsed.errors,
    };
  }
  const errors: SpecError[] = [];
  const doc = parseDocument(options.into, { keepSourceTokens: false });
  const data = doc.toJS({ maxAliasCount: -1 }) as Record<string, unknown>;
  for (const s of parsed.spec.services) taken.add(s.name);
  if (options.kit && options.kit !== parsed.spec.kit) {
    errors.push({
      path: 'kit',
      code: 'kit_constraint',
      message: `the spec is for ${parsed.spec.kit}, not ${options.kit}; change its kit first`,
    });
  }
  if (options.node && !parsed.spec.nodes.some((n) => n.name === options.node)) {
    errors.push({
      path: 'nodes',
      code: 'invalid_reference',
      message: `node "${options.node}" is not in the spec (nodes: ${parsed.spec.nodes.map((n) => n.name).join(', ')})`,
    });
  }
  return { doc, data, kit: parsed.spec.kit, node: options.node, taken, errors };
}

/** The target with `services` appended: as data, and as YAML text (comments kept for an existing spec). */
export function addServices(
  target: SpecTarget,
  services: readonly ServiceInput[],
): { data: Record<string, unknown>; yaml: string } {
  const placed = services.map((s) => (target.node ? { ...s, node: target.node } : s));
  const existing = Array.isArray(target.data.services) ? target.data.services : [];
  const data = { ...target.data, services: [...existing, ...placed] };
  if (!target.doc) {
    const header = '# kombination.yaml — written by stackkit; check it with: stackkit validate\n';
    return { data, yaml: header + stringify(data, { lineWidth: 0 }) };
  }
  const doc = target.doc.clone();
  const seq = doc.get('services', true);
  if (
    seq &&
    typeof seq === 'object' &&
    'items' in seq &&
    Array.isArray((seq as { items: unknown[] }).items)
  ) {
    for (const s of placed) (seq as { items: unknown[] }).items.push(doc.createNode(s));
  } else doc.set('services', doc.createNode(data.services));
  return { data, yaml: doc.toString({ lineWidth: 0 }) };
}

export function isKitName(value: string): value is KitName {
  return (kitNames as readonly string[]).includes(value);
}
