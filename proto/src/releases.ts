/**
 * A release manifest: the agent bundle and the Node runtimes of one agent version, each with its
 * size and SHA-256. One schema for the three parties: the edge validates what is published, the
 * release build writes it, and the agent checks what it downloads (after the signature).
 */
import { z } from 'zod';

export const VERSION = /^\d{1,6}\.\d{1,6}\.\d{1,6}(-[0-9A-Za-z.-]{1,40})?$/;
export const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const releaseFileSchema = z
  .object({
    name: z.string().regex(ARTIFACT_NAME, 'letters, digits, ".", "_" or "-", at most 128'),
    kind: z.enum(['agent', 'runtime']),
    os: z.enum(['any', 'linux']),
    arch: z.enum(['any', 'x64', 'arm64']),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256'),
    size: z.number().int().positive(),
  })
  .strip();

export const releaseManifestSchema = z
  .object({
    version: z.string().regex(VERSION, 'a version like 1.2.3 or 1.2.3-rc.1'),
    node_version: z.string().regex(VERSION).optional(),
    files: z.array(releaseFileSchema).min(2).max(16),
  })
  .strip()
  .superRefine((m, ctx) => {
    const agents = m.files.filter((f) => f.kind === 'agent');
    if (agents.length !== 1 || agents[0]?.os !== 'any' || agents[0]?.arch !== 'any') {
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: 'a release has exactly one agent bundle, with os "any" and arch "any"',
      });
    }
    const seen = new Set<string>();
    m.files.forEach((f, i) => {
      if (f.kind === 'runtime' && (f.os !== 'linux' || f.arch === 'any')) {
        ctx.addIssue({
          code: 'custom',
          path: ['files', i],
          message: 'a runtime is for os "linux" and arch x64 or arm64',
        });
      }
      const key = `${f.kind}/${f.os}/${f.arch}`;
      for (const dup of [key, `name:${f.name}`]) {
        if (seen.has(dup)) {
          ctx.addIssue({ code: 'custom', path: ['files', i], message: `duplicate ${dup}` });
        }
        seen.add(dup);
      }
    });
    if (!m.files.some((f) => f.kind === 'runtime')) {
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'a release needs at least one runtime' });
    }
  });

export type ReleaseManifest = z.output<typeof releaseManifestSchema>;
export type ReleaseFile = ReleaseManifest['files'][number];

/** Orders numeric parts, then a release after its pre-releases (1.2.0-rc.1 < 1.2.0), per SemVer §11. */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core = '', pre] = v.split(/-(.*)/s, 2);
    return { nums: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  const xs = x.pre.split('.');
  const ys = y.pre.split('.');
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const p = xs[i];
    const q = ys[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn && Number(p) !== Number(q)) return Number(p) < Number(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
