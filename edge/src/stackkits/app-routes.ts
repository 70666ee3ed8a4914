/**
 * `GET /v1/stackkits/apps` and `/apps/{name}`: the app catalog (stackkits/apps/), public like the
 * kit catalog so the gallery and the CLI can read it without an account.
 */
import { appCategories, getApp, listApps } from '@kombify/stackkits';
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';

export const appCatalog = new Hono<AppEnv>();

/** `?q=` matches name, title, description and category, every word (case-insensitive). */
function matches(app: ReturnType<typeof listApps>[number], words: string[]): boolean {
  const text = `${app.name} ${app.title} ${app.description} ${app.category}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

appCatalog.get('/apps', (c) => {
  const category = c.req.query('category');
  if (category !== undefined && category !== '' && !(appCategories as readonly string[]).includes(category)) {
    throw new ApiError('VALIDATION_FAILED', `no category ${category}`, {
      details: [
        {
          path: 'category',
          code: 'invalid_value',
          message: `must be one of ${appCategories.join(', ')}`,
        },
      ],
    });
  }
  const words = (c.req.query('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const apps = listApps().filter((a) => (!category || a.category === category) && matches(a, words));
  c.header('Cache-Control', 'public, max-age=300');
  return c.json({ data: apps, categories: appCategories });
});

appCatalog.get('/apps/:name', (c) => {
  const app = getApp(c.req.param('name'));
  if (!app) throw new ApiError('NOT_FOUND', `no app named ${c.req.param('name')} in the catalog`);
  c.header('Cache-Control', 'public, max-age=300');
  return c.json({ data: app });
});
