/**
 * Several compose files → one model, as `docker compose -f a.yml -f b.yml` merges them (Compose
 * Specification, "Merge and override"): mappings merge key by key, a later scalar wins;
 * `command`, `entrypoint` and `healthcheck.test` are replaced whole; `environment`, `labels`,
 * `extra_hosts`, `sysctls`, `depends_on` and `networks` merge by key whatever form (list or map)
 * each file used; `ports` are added (duplicates once); `volumes`, `secrets` and `configs` of a
 * service merge by their target; other lists are concatenated without duplicates.
 */

type Data = Record<string, unknown>;

const isMap = (v: unknown): v is Data => typeof v === 'object' && v !== null && !Array.isArray(v);

function define(out: Data, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `["A=1", "B"]` → `{A: "1", B: null}`; a map stays a map. */
export function listToMap(value: unknown, separator = '='): Data {
  if (isMap(value)) return value;
  const out: Data = {};
  if (!Array.isArray(value)) return out;
  for (const item of value) {
    if (typeof item !== 'string') continue;
    const at = item.indexOf(separator);
    if (at < 0) define(out, item, null);
    else define(out, item.slice(0, at), item.slice(at + separator.length));
  }
  return out;
}

/** depends_on as a map of conditions; networks as a map of settings (null = defaults). */
function keyed(value: unknown, item: (name: string) => unknown): Data {
  if (isMap(value)) return value;
  const out: Data = {};
  if (Array.isArray(value))
    for (const name of value) if (typeof name === 'string') define(out, name, item(name));
  return out;
}

const replaced = new Set(['command', 'entrypoint']);
const byKey: Record<string, (v: unknown) => Data> = {
  environment: (v) => listToMap(v),
  labels: (v) => listToMap(v),
  annotations: (v) => listToMap(v),
  sysctls: (v) => listToMap(v),
  extra_hosts: (v) => listToMap(v, ':'),
  depends_on: (v) => keyed(v, () => ({ condition: 'service_started' })),
  networks: (v) => keyed(v, () => null),
};

/** The target path a volume, secret or config entry mounts at (its merge key). */
function mountKey(kind: 'volumes' | 'secrets' | 'configs', item: unknown): string {
  if (kind === 'volumes') {
    if (typeof item === 'string') {
      const parts = item.split(':');
      return parts.length === 1 ? parts[0]! : (parts[1] ?? item);
    }
    return isMap(item) ? String(item.target ?? JSON.stringify(item)) : JSON.stringify(item);
  }
  if (typeof item === 'string') return `/${item}`;
  return isMap(item) ? String(item.target ?? `/${String(item.source)}`) : JSON.stringify(item);
}

function mergeByMount(kind: 'volumes' | 'secrets' | 'configs', base: unknown[], over: unknown[]): unknown[] {
  const out = new Map<string, unknown>();
  for (const item of [...base, ...over]) out.set(mountKey(kind, item), item);
  return [...out.values()];
}

function union(base: unknown[], over: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const item of [...base, ...over]) {
    const key = JSON.stringify(item);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

function mergeService(base: Data, over: Data): Data {
  const out: Data = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    if (byKey[key] && value !== null) define(out, key, { ...byKey[key](prev), ...byKey[key](value) });
    else if (replaced.has(key) || prev === undefined || prev === null || value === null)
      define(out, key, value);
    else if (
      (key === 'volumes' || key === 'secrets' || key === 'configs') &&
      Array.isArray(prev) &&
      Array.isArray(value)
    )
      define(out, key, mergeByMount(key, prev, value));
    else if (key === 'healthcheck' && isMap(prev) && isMap(value)) define(out, key, { ...prev, ...value });
    else define(out, key, mergeValue(prev, value));
  }
  return out;
}

function mergeValue(base: unknown, over: unknown): unknown {
  if (isMap(base) && isMap(over)) {
    const out: Data = { ...base };
    for (const [k, v] of Object.entries(over)) define(out, k, k in out ? mergeValue(out[k], v) : v);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) return union(base, over);
  return over;
}

/** Merges whole documents: services by name, everything else by {@link mergeValue}. */
export function mergeComposeFiles(docs: readonly Data[]): Data {
  const out: Data = {};
  for (const doc of docs) {
    for (const [key, value] of Object.entries(doc)) {
      if (key === 'services' && isMap(value)) {
        const services: Data = isMap(out.services) ? { ...out.services } : {};
        for (const [name, svc] of Object.entries(value)) {
          const prev = services[name];
          define(services, name, isMap(prev) && isMap(svc) ? mergeService(prev, svc) : svc);
        }
        define(out, 'services', services);
      } else define(out, key, key in out ? mergeValue(out[key], value) : value);
    }
  }
  return out;
}
