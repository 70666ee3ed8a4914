/**
 * The web app's weight and speed, on the production build (`vite build`, Node server), in headless
 * Chromium against the whole local product (issuer, edge, one real enrolled agent), signed in:
 *  - JavaScript each page sends, in gzip bytes (each script the browser loads, gzipped at level 6
 *    as a CDN would serve it): the landing page (issue 21's target: ≤ 30 KB), the dashboard, and
 *    the new-stack page with the spec editor's own chunks apart, and the app gallery (which must
 *    not load the editor);
 *  - layout shift on the landing page (cumulative layout shift score, unitless; 0 is none), for a
 *    first visit and for a visitor with a stored theme;
 *  - time to the dashboard's first render with data: from navigation start until the page is
 *    hydrated and a node card is on screen (`usable`), p50 (target ≤ 150 ms) and p99. Baseline: the
 *    landing page to hydrated, in the same run.
 *
 * Each measurement is a part (below); issue 21's terminal echo p99 and live-update latency (change
 * → pixel) p99 become two more parts on the same running product once those features exist.
 */
import { gzipSync } from 'node:zlib';
import type { Browser, Cookie, Page } from 'playwright-core';
import { webBuild } from '../scripts/lib/web-build.ts';
import { startWebStack, type WebStack } from '../test/harness/web-stack.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const SAMPLES = Number(process.env.BENCH_WEB_SAMPLES ?? 200);
/** The baseline is a median only, so fewer loads do. */
const BASELINE_SAMPLES = Math.max(20, Math.round(SAMPLES / 4));
/** Landing loads whose layout shift is measured, per kind of visitor (the worst one counts). */
const SHIFT_LOADS = 10;
const user = { sub: 'bench', email: 'bench@example.com', name: 'Bench', password: 'bench-password-123' };
/** The spec editor's chunks: the editor and the kit schemas it fetches (web/src/editor/). */
const EDITOR_CHUNK = /\/(create-spec-editor|[a-z-]+\.schema)-[\w-]+\.js$/;

/** What every part measures against: the running product, a signed-in page, its cookies. */
interface Context {
  w: WebStack;
  page: Page;
  cookies: Cookie[];
  /** Landing to hydrated, p50 ms: the run's baseline. */
  baseline: number;
  /** What the run's notes should say. */
  notes: string[];
}

type Part = (ctx: Context) => Promise<BenchCase[]>;

function benchCase(
  name: string,
  metric: string,
  value: number,
  target: number | null,
  samples: number,
  base: number | null = null,
): BenchCase {
  return {
    case: name,
    metric,
    value: round(value, metric.endsWith('_bytes') ? 0 : 4),
    baseline_metric: base === null ? null : 'landing_usable_p50_ms',
    baseline: base === null ? null : round(base),
    ratio: base === null ? null : round(value / base),
    target,
    samples,
  };
}

/** Gzip bytes of every script a fresh page load fetches (module preloads and lazy chunks included). */
async function scriptsOf(browser: Browser, url: string, cookies: Cookie[] = [], settle?: string) {
  const context = await browser.newContext();
  if (cookies.length) await context.addCookies(cookies);
  const page = await context.newPage();
  const bodies: Promise<{ url: string; gzip: number }>[] = [];
  page.on('response', (res) => {
    if (res.request().resourceType() === 'script' || /\.m?js(\?|$)/.test(res.url())) {
      bodies.push(res.body().then((b) => ({ url: res.url(), gzip: gzipSync(b, { level: 6 }).length })));
    }
  });
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  if (settle) await page.locator(settle).first().waitFor();
  await page.waitForLoadState('networkidle');
  const all = await Promise.all(bodies);
  await context.close();
  return all;
}

const sum = (files: { gzip: number }[]) => files.reduce((n, f) => n + f.gzip, 0);

/** The largest cumulative layout shift over `SHIFT_LOADS` fresh landing loads, until idle. */
async function landingShift(browser: Browser, url: string, theme?: 'dark' | 'light'): Promise<number> {
  let worst = 0;
  for (let i = 0; i < SHIFT_LOADS; i++) {
    const context = await browser.newContext();
    if (theme) {
      await context.addInitScript((t) => localStorage.setItem('kombify-theme', t), theme);
    }
    await context.addInitScript(() => {
      const w = window as unknown as { __cls: number };
      w.__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
        })[]) {
          if (!e.hadRecentInput) w.__cls += e.value;
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.waitForLoadState('networkidle');
    // Two frames after idle, so a shift from the last render is observed.
    const cls = await page.evaluate(
      () =>
        new Promise<number>((resolve) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => resolve((window as unknown as { __cls: number }).__cls)),
          ),
        ),
    );
    worst = Math.max(worst, cls);
    await context.close();
  }
  return worst;
}

/** ms from navigation start until `ready` holds, over `n` fresh navigations in one context. */
async function timeToUsable(page: Page, url: string, ready: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n + 5; i++) {
    const t = performance.now();
    await page.goto(url);
    await page.locator(ready).first().waitFor();
    if (i >= 5) times.push(performance.now() - t); // the first few warm the server
  }
  return times;
}

const weights: Part = async ({ w, cookies, notes }) => {
  const landing = await scriptsOf(w.browser, `${w.web.url}/`);
  const dashboard = await scriptsOf(w.browser, `${w.web.url}/dashboard`, cookies);
  const newStack = await scriptsOf(w.browser, `${w.web.url}/stacks/new`, cookies, '.cm-content');
  const editor = newStack.filter((f) => EDITOR_CHUNK.test(f.url));
  if (editor.length === 0) throw new Error('the new-stack page fetched no spec editor chunk');
  const gallery = await scriptsOf(w.browser, `${w.web.url}/apps`, cookies, '[data-testid="app-card"]');
  if (gallery.some((f) => EDITOR_CHUNK.test(f.url)))
    throw new Error('the app gallery fetched the spec editor');
  notes.push(
    `scripts: landing ${landing.length}, dashboard ${dashboard.length}, stacks/new ${newStack.length} (spec editor ${editor.length}), apps ${gallery.length}`,
  );
  return [
    benchCase('landing', 'js_gzip_bytes', sum(landing), 30 * 1024, 1),
    benchCase('dashboard', 'js_gzip_bytes', sum(dashboard), null, 1),
    benchCase('stacks/new', 'js_gzip_bytes', sum(newStack), null, 1),
    benchCase('stacks/new spec editor', 'js_gzip_bytes', sum(editor), null, 1),
    benchCase('apps (gallery)', 'js_gzip_bytes', sum(gallery), null, 1),
  ];
};

const layoutShift: Part = async ({ w }) => [
  benchCase(
    'landing, first visit',
    'cumulative_layout_shift',
    await landingShift(w.browser, `${w.web.url}/`),
    0,
    SHIFT_LOADS,
  ),
  benchCase(
    'landing, stored dark theme',
    'cumulative_layout_shift',
    await landingShift(w.browser, `${w.web.url}/`, 'dark'),
    0,
    SHIFT_LOADS,
  ),
];

const dashboardUsable: Part = async ({ w, page, baseline }) => {
  const usable = await timeToUsable(
    page,
    `${w.web.url}/dashboard`,
    'body[data-ready="true"] [data-testid="node-card"]',
    SAMPLES,
  );
  return [
    benchCase('dashboard', 'usable_p50_ms', percentile(usable, 50), 150, usable.length, baseline),
    benchCase('dashboard', 'usable_p99_ms', percentile(usable, 99), null, usable.length, baseline),
  ];
};

/** In order; issue 21's terminal echo and live-update latency parts go after these. */
const parts: Part[] = [weights, layoutShift, dashboardUsable];

export const web: Benchmark = {
  name: 'web',
  description:
    'web app: gzip JS (landing, dashboard, spec editor), landing layout shift, dashboard first render with data',
  async run() {
    const { builtSeconds } = await webBuild();
    const w = await startWebStack({ users: [user], plan: 'pro', webMode: 'built' });
    try {
      const page = await w.signIn(user);
      const enrolled = await w.stack.enrollAgent({ name: 'bench-node' });
      if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.stderr}`);
      w.stack.startAgent(enrolled.dataDir);
      const landing = await timeToUsable(
        page,
        `${w.web.url}/`,
        'body[data-ready="true"] h1',
        BASELINE_SAMPLES,
      );
      const ctx: Context = {
        w,
        page,
        cookies: await page.context().cookies(),
        baseline: percentile(landing, 50),
        notes: [],
      };
      const cases: BenchCase[] = [];
      for (const part of parts) cases.push(...(await part(ctx)));
      cases.push(benchCase('landing', 'usable_p50_ms', ctx.baseline, null, landing.length));
      return {
        notes: [
          `production build (nitro node server), ${builtSeconds === null ? 'build cached' : `vite build ${round(builtSeconds, 1)} s`}`,
          'headless Debian Chromium',
          'one enrolled agent',
          ...ctx.notes,
        ].join('; '),
        cases,
      };
    } finally {
      await w.stop();
    }
  },
};
