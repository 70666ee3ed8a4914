/**
 * Image references: per-service overrides and a registry mirror prefix.
 *
 * Mirror layout (README, "Image overrides"): Docker Hub images go to `<mirror>/<path>` —
 * `traefik:v3.1` → `registry.local:5000/traefik:v3.1`, `docker.io/library/traefik:v3.1` the same;
 * images of other registries keep their registry as the first path segment —
 * `ghcr.io/coollabsio/coolify:latest` → `registry.local:5000/ghcr.io/coollabsio/coolify:latest` —
 * which is how pull-through caches with one namespace per upstream lay them out, and never
 * collides with a Docker Hub path. Tags and digests are kept.
 */
import { imagePattern, mirrorPattern } from '../spec/formats.ts';

export interface ImageOptions {
  /**
   * Exact image per service name, used as given (no mirror): a locally built image in tests, a
   * pinned digest. Names the plan does not run are ignored.
   */
  images?: Readonly<Record<string, string>>;
  /** Registry mirror prefix like `registry.local:5000`; wins over the spec's system.registryMirror. */
  mirror?: string;
}

export interface ImageRef {
  /** Registry host[:port], or null for Docker Hub. */
  registry: string | null;
  path: string;
  tag: string | null;
  digest: string | null;
}

const dockerHub = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Splits a reference the way Docker does: the first segment is a registry if it has "." or ":" or is localhost. */
export function parseImage(ref: string): ImageRef {
  let rest = ref;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | null = null;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (registry !== null && dockerHub.has(registry)) {
    registry = null;
    if (rest.startsWith('library/')) rest = rest.slice('library/'.length);
  }
  return { registry, path: rest, tag, digest };
}

export function formatImage(ref: ImageRef): string {
  return `${ref.registry ? `${ref.registry}/` : ''}${ref.path}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The reference pulled through a mirror (see the module comment for the layout). */
export function mirrorImage(ref: string, mirror: string): string {
  const prefix = mirror.replace(/\/+$/, '');
  if (ref.startsWith(`${prefix}/`)) return ref;
  const parsed = parseImage(ref);
  const path = parsed.registry ? `${parsed.registry}/${parsed.path}` : parsed.path;
  return formatImage({ registry: null, path: `${prefix}/${path}`, tag: parsed.tag, digest: parsed.digest });
}

/** Checks resolve options early, with messages that name the bad value. */
export function checkImageOptions(options: ImageOptions): void {
  if (options.mirror !== undefined && !mirrorPattern.test(options.mirror)) {
    throw new TypeError(
      `mirror must be a registry like registry.local:5000, not ${JSON.stringify(options.mirror)}`,
    );
  }
  for (const [service, image] of Object.entries(options.images ?? {})) {
    if (typeof image !== 'string' || !imagePattern.test(image)) {
      throw new TypeError(`images.${service} must be an image reference, not ${JSON.stringify(image)}`);
    }
  }
}

export function chooseImage(
  service: string,
  image: string,
  options: ImageOptions,
  specMirror: string | undefined,
): string {
  const exact =
    options.images && Object.hasOwn(options.images, service) ? options.images[service] : undefined;
  if (exact !== undefined) return exact;
  const mirror = options.mirror ?? specMirror;
  return mirror ? mirrorImage(image, mirror) : image;
}
