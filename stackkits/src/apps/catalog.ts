/**
 * The app catalog, checked once on first use: every definition in apps/ parsed with the app
 * schema. `listApps` and `getApp` serve only the definitions that passed (the catalog test fails
 * on any that did not).
 */
import { appDefinitions } from '../../apps/index.ts';
import { formatPath } from '../spec/errors.ts';
import { type AppDefinition, appSchema } from './schema.ts';

export interface CatalogProblem {
  app: string;
  path: string;
  message: string;
}

let loaded: { apps: AppDefinition[]; problems: CatalogProblem[] } | undefined;

export function loadCatalog(): { apps: AppDefinition[]; problems: CatalogProblem[] } {
  if (loaded) return loaded;
  const apps: AppDefinition[] = [];
  const problems: CatalogProblem[] = [];
  const seen = new Set<string>();
  for (const input of appDefinitions) {
    const parsed = appSchema.safeParse(input);
    const name = String((input as { name?: unknown }).name);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({
          app: name,
          path: formatPath(issue.path.map((p) => (typeof p === 'number' ? p : String(p)))),
          message: issue.message,
        });
      }
      continue;
    }
    if (seen.has(parsed.data.name)) {
      problems.push({ app: name, path: 'name', message: 'two apps have this name' });
      continue;
    }
    seen.add(parsed.data.name);
    apps.push(parsed.data);
  }
  loaded = { apps, problems };
  return loaded;
}

/** A catalog entry for lists (GET /v1/stackkits/apps, `stackkit apps`). */
export interface AppSummary {
  name: string;
  title: string;
  description: string;
  category: AppDefinition['category'];
  upstream: string;
  kits: AppDefinition['kits'];
  resources: AppDefinition['resources'];
  route: AppDefinition['route'];
  images: string[];
  secrets: string[];
}

/** Every app, sorted by name. */
export function listApps(): AppSummary[] {
  return loadCatalog()
    .apps.map((a) => ({
      name: a.name,
      title: a.title,
      description: a.description,
      category: a.category,
      upstream: a.upstream,
      kits: a.kits,
      resources: a.resources,
      route: a.route,
      images: a.services.map((s) => s.image),
      secrets: a.secrets.map((s) => `secret://${a.name}/${s.name}`),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** One app's full definition (GET /v1/stackkits/apps/{name}), or undefined. */
export function getApp(name: string): AppDefinition | undefined {
  return loadCatalog().apps.find((a) => a.name === name);
}
