/**
 * Candidate tools from the npm registry's public search (`GET /-/v1/search`, npm's REGISTRY-API:
 * `{objects: [{package, score, searchScore}], total, time}`), and how one becomes a catalog entry.
 */
import { z } from 'zod';

const npmPackage = z.object({
  name: z.string().min(1).max(214),
  version: z.string().optional(),
  description: z.string().nullish(),
  keywords: z.array(z.string()).nullish(),
  links: z.object({ npm: z.string(), homepage: z.string(), repository: z.string() }).partial().nullish(),
});

export const npmSearchResponse = z.object({
  objects: z.array(z.object({ package: npmPackage }).loose()),
  total: z.number(),
  time: z.string().optional(),
});

export type NpmPackage = z.infer<typeof npmPackage>;

/** A package or repository found by a search, and the catalog entry it would become. */
export interface Candidate {
  name: string;
  tool: ReturnType<typeof candidateTool>;
}

/** Asks the registry for packages with this keyword (`keywords:` search, up to `size`). */
export async function searchNpm(registry: string, keyword: string, size: number): Promise<Candidate[]> {
  const url = new URL('/-/v1/search', registry);
  url.searchParams.set('text', `keywords:${keyword}`);
  url.searchParams.set('size', String(size));
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`the npm registry answered ${res.status} for keywords:${keyword}`);
  const parsed = npmSearchResponse.safeParse(await res.json().catch(() => null));
  if (!parsed.success)
    throw new Error(`the npm registry's search answer has an unexpected shape (keywords:${keyword})`);
  return parsed.data.objects.map((o) => ({ name: o.package.name, tool: candidateTool(o.package) }));
}

/** A catalog id: the source's prefix + the name in the catalog's slug alphabet (≤ 64 characters). */
export function slugFor(prefix: string, name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${prefix}-${slug}`.slice(0, 64).replace(/-+$/, '');
}

export function toolIdFor(name: string): string {
  return slugFor('npm', name);
}

export const httpUrl = (value: string | undefined) => {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
};

/** The unreviewed catalog entry for a package (an admin reviews and scores it later). */
export function candidateTool(pkg: NpmPackage) {
  return {
    id: toolIdFor(pkg.name),
    name: pkg.name.slice(0, 100),
    summary: (pkg.description ?? '').slice(0, 500),
    url: httpUrl(pkg.links?.homepage) ?? httpUrl(pkg.links?.repository) ?? httpUrl(pkg.links?.npm),
    tags: [...new Set((pkg.keywords ?? []).map((k) => k.toLowerCase().slice(0, 40)))].slice(0, 20),
    status: 'unreviewed',
    source: `npm:${pkg.name}`,
  };
}
