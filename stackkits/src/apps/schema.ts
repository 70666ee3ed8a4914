/**
 * A catalog app (stackkits/apps/<app>/app.ts): one zod schema is the single source for checking
 * the definitions and for their TypeScript types. Services are kombination.yaml services, with
 * stricter rules: a pinned image (a version tag, never latest), a health check, named volumes
 * prefixed with the app's name (the lock file keeps them from changing), and every secret:// the
 * services read declared in `secrets`, so `add` can generate it.
 */
import { z } from 'zod';
import { dnsLabelPattern, sizePattern } from '../spec/formats.ts';
import { serviceSchema } from '../spec/schema.ts';
import { kitNames } from '../spec/vocabulary.ts';

export const appCategories = [
  'media',
  'photos',
  'files',
  'passwords',
  'home-automation',
  'dns',
  'dashboards',
  'monitoring',
  'git',
  'notes',
  'rss',
  'books',
  'recipes',
  'downloads',
  'productivity',
  'communication',
  'finance',
  'bookmarks',
  'development',
  'backup',
  'security',
] as const;
export type AppCategory = (typeof appCategories)[number];

/** Tags that move: an app pinned to one of these would change under its users. */
const floatingTags = new Set([
  'latest',
  'stable',
  'nightly',
  'develop',
  'dev',
  'edge',
  'main',
  'master',
  'release',
  'lts',
]);

/** The tag of an image reference, or undefined when it has none. */
export function imageTag(image: string): string | undefined {
  const last = image.split('@')[0]!.split('/').at(-1) ?? '';
  const at = last.indexOf(':');
  return at < 0 ? undefined : last.slice(at + 1);
}

export function isPinned(image: string): boolean {
  const tag = imageTag(image);
  return tag !== undefined && /\d/.test(tag) && !floatingTags.has(tag.toLowerCase());
}

const appService = serviceSchema
  .extend({
    image: z
      .string()
      .refine(isPinned, { error: 'must be pinned to a version tag (not latest, not untagged)' }),
    healthCheck: serviceSchema.shape.healthCheck.unwrap(),
  })
  .omit({ node: true, enabled: true });

export const appSecretSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
  /** Characters of the generated value (letters and digits). */
  length: z.number().int().min(16).max(128).default(32),
  description: z.string().max(200),
});

export const appSchema = z
  .strictObject({
    name: z.string().regex(dnsLabelPattern),
    title: z.string().min(1).max(60),
    description: z
      .string()
      .min(10)
      .max(140)
      .refine((d) => !d.includes('\n'), { error: 'one line' }),
    category: z.enum(appCategories),
    upstream: z.url({ protocol: /^https$/ }),
    kits: z.array(z.enum(kitNames)).min(1),
    resources: z.strictObject({
      cpu: z.number().positive().max(64),
      memory: z.string().regex(sizePattern),
      disk: z.string().regex(sizePattern).optional(),
    }),
    route: z.strictObject({
      service: z.string(),
      port: z.number().int().min(1).max(65535),
      subdomain: z.string().regex(dnsLabelPattern),
    }),
    secrets: z.array(appSecretSchema).default([]),
    services: z.array(appService).min(1).max(8),
  })
  .superRefine((app, ctx) => {
    const names = new Set(app.services.map((s) => s.name));
    if (!names.has(app.route.service)) {
      ctx.addIssue({
        code: 'custom',
        path: ['route', 'service'],
        message: `no service named ${app.route.service}`,
      });
    }
    const declared = new Set(app.secrets.map((s) => `secret://${app.name}/${s.name}`));
    const used = new Set<string>();
    app.services.forEach((s, i) => {
      if (s.name !== app.name && !s.name.startsWith(`${app.name}-`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'name'],
          message: `service names start with ${app.name}`,
        });
      }
      for (const [k, ref] of Object.entries(s.environmentSecrets ?? {})) {
        used.add(ref);
        if (!declared.has(ref)) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', i, 'environmentSecrets', k],
            message: `${ref} is not in secrets`,
          });
        }
      }
      (s.volumes ?? []).forEach((v, j) => {
        if (v.type === 'volume' && !v.name.startsWith(`${app.name}-`)) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', i, 'volumes', j, 'name'],
            message: `volume names start with ${app.name}-`,
          });
        }
      });
    });
    for (const ref of declared) {
      if (!used.has(ref))
        ctx.addIssue({
          code: 'custom',
          path: ['secrets'],
          message: `${ref} is declared but no service reads it`,
        });
    }
  });

export type AppDefinitionInput = z.input<typeof appSchema>;
export type AppDefinition = z.output<typeof appSchema>;

/** Identity, for the types: `export const app = defineApp({...})` in apps/<app>/app.ts. */
export function defineApp(app: AppDefinitionInput): AppDefinitionInput {
  return app;
}
