/**
 * Cross-field rules the schema cannot state: unique names, edge-node providers, references between
 * services and nodes, `needs` cycles, bind volumes. They run on the raw document next to the schema
 * (not after it), so a spec with a bad port still hears about its duplicate names: every check
 * looks only at values that have the right type and skips the rest, which the schema reports.
 */
import { catalogNames } from '../../platforms/docker/catalog.ts';
import { topoSort } from '../unifier/topo-order.ts';
import { type PendingError, pending } from './errors.ts';
import { edgeProviders, type Provider, providers } from './vocabulary.ts';

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** First index of each string name; later uses of a name are reported as duplicates. */
function uniqueNames(
  items: unknown[],
  section: 'nodes' | 'services',
  errors: PendingError[],
): Map<string, number> {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    if (!isRecord(item) || typeof item.name !== 'string') return;
    const seen = first.get(item.name);
    if (seen === undefined) first.set(item.name, i);
    else {
      const what = section === 'nodes' ? 'node' : 'service';
      errors.push(
        pending(
          [section, i, 'name'],
          'duplicate',
          `${what} name "${item.name}" is already used by ${section}[${seen}]`,
        ),
      );
    }
  });
  return first;
}

export function checkRaw(data: unknown): PendingError[] {
  const errors: PendingError[] = [];
  if (!isRecord(data)) return errors;
  const nodes = list(data.nodes);
  const services = list(data.services);
  const nodeNames = uniqueNames(nodes, 'nodes', errors);
  const serviceNames = uniqueNames(services, 'services', errors);

  nodes.forEach((node, i) => {
    if (!isRecord(node) || node.type !== 'edge' || typeof node.provider !== 'string') return;
    const provider = node.provider as Provider;
    if (providers.includes(provider) && !edgeProviders.has(provider)) {
      errors.push(
        pending(
          ['nodes', i, 'provider'],
          'invalid_value',
          `an edge node runs at home: its provider must be local or docker, not ${provider}`,
        ),
      );
    }
  });

  const canCheckNodes = Array.isArray(data.nodes);
  services.forEach((service, i) => {
    if (!isRecord(service)) return;
    if (canCheckNodes && typeof service.node === 'string' && !nodeNames.has(service.node)) {
      errors.push(
        pending(
          ['services', i, 'node'],
          'invalid_reference',
          `node "${service.node}" is not defined in nodes${nodeNames.size > 0 ? ` (nodes: ${[...nodeNames.keys()].join(', ')})` : ''}`,
        ),
      );
    }
    list(service.needs).forEach((need, j) => {
      if (typeof need !== 'string' || serviceNames.has(need) || catalogNames.has(need)) return;
      errors.push(
        pending(
          ['services', i, 'needs'],
          'invalid_reference',
          `needs "${need}", which is neither a service in this spec nor a catalog service`,
          'value',
          ['services', i, 'needs', j],
        ),
      );
    });
    if (isRecord(service.labels)) {
      for (const key of Object.keys(service.labels)) {
        if (!key.startsWith('kombify.')) continue;
        errors.push(
          pending(
            ['services', i, 'labels', key],
            'invalid_value',
            `label "${key}": keys starting with kombify. are set by kombify itself`,
            'key',
          ),
        );
      }
    }
    const filePaths = new Map<string, number>();
    list(service.files).forEach((file, j) => {
      if (!isRecord(file)) return;
      const has = (file.content !== undefined ? 1 : 0) + (file.secret !== undefined ? 1 : 0);
      if (has !== 1) {
        errors.push(
          pending(
            ['services', i, 'files', j],
            has === 0 ? 'required' : 'invalid_value',
            'a file takes exactly one of content or secret',
          ),
        );
      }
      if (typeof file.path !== 'string') return;
      const first = filePaths.get(file.path);
      if (first === undefined) filePaths.set(file.path, j);
      else {
        errors.push(
          pending(
            ['services', i, 'files', j, 'path'],
            'duplicate',
            `file ${file.path} is already placed by files[${first}]`,
          ),
        );
      }
    });
    list(service.volumes).forEach((volume, j) => {
      if (!isRecord(volume)) return;
      const at = ['services', i, 'volumes', j];
      const type = volume.type ?? 'volume';
      if (type === 'bind' && volume.hostPath === undefined) {
        errors.push(
          pending(
            [...at, 'hostPath'],
            'required',
            'a bind volume needs hostPath (the directory on the node)',
          ),
        );
      }
      if ((type === 'volume' || type === 'tmpfs') && volume.hostPath !== undefined) {
        errors.push(
          volume.type === undefined
            ? pending(
                [...at, 'hostPath'],
                'invalid_value',
                'hostPath is only used with type: bind; add type: bind',
              )
            : pending(
                [...at, 'type'],
                'invalid_value',
                `hostPath is only used with type: bind, not ${String(type)}`,
              ),
        );
      }
    });
  });

  errors.push(...needsCycles(services, serviceNames));
  errors.push(...reservedKeys(data));
  return errors;
}

/**
 * A `__proto__` key anywhere is refused: copied into a plain object it would replace the object's
 * prototype, and zod skips such keys without a word. Iterative, and safe on cyclic objects (a
 * programmatic caller of validateSpec could pass one).
 */
function reservedKeys(data: Raw): PendingError[] {
  const errors: PendingError[] = [];
  const seen = new Set<object>();
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (key === '__proto__') {
        errors.push(pending([...path, key], 'security', '"__proto__" is a reserved key', 'key'));
      } else {
        stack.push({ value: (value as Raw)[key], path: [...path, key] });
      }
    }
  }
  return errors;
}

/** Cycles among the spec's own services (a kit's services are checked with the full plan). */
function needsCycles(services: unknown[], first: Map<string, number>): PendingError[] {
  const edges = services.map((service) =>
    isRecord(service)
      ? list(service.needs).map((n) => (typeof n === 'string' ? (first.get(n) ?? -1) : -1))
      : [],
  );
  const name = (i: number) => String((services[i] as Raw).name);
  return topoSort(services.length, (v) => edges[v] ?? []).cycles.map((cycle) =>
    pending(
      ['services'],
      'circular_dependency',
      `needs form a cycle: ${cycle.path.map(name).join(' → ')}`,
      'value',
      ['services', cycle.from, 'needs', cycle.edge],
    ),
  );
}
