/**
 * The web app's weight and speed, on the production build (`vite build`, Node server):
 *  - JavaScript sent for the landing page and for the dashboard, in gzip bytes (each script the
 *    browser loads, gzipped at level 6 as a CDN would serve it);
 *  - time to the dashboard's first render with data in headless Chromium: from navigation start
 *    until the page is hydrated and a node card is on screen (`usable`), signed in, with one real
 *    agent enrolled. Baseline: the landing page to hydrated, in the same run.
 */
import { gzipSync } from 'node:zlib';
import type { Browser, Cookie, Page } from 'playwright-core';
import { webBuild } from '../scripts/lib/web-build.ts';
import { startWebStack } from '../test/harness/web-stack.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const SAMPLES = Number(process.env.BENCH_WEB_SAMPLES ?? 200);
/** The baseline is a median only, so fewer loads do. */
const BASELINE_SAMPLES = Math.max(20, Math.round(SAMPLES / 4));
const user = { sub: 'bench', email: 'bench@example.com', name: 'Bench', password: 'bench-password-123' };

/** Gzip bytes of every script a fresh page load fetches (module preloads included). */
async function jsGzipBytes(browser: Browser, url: string, cookies: Cookie[] = []) {
  const context = await browser.newContext();
  if (cookies.length) await context.addCookies(cookies);
  const page = await context.newPage();
  const bodies: Promise<Buffer>[] = [];
  page.on('response', (res) => {
    if (res.request().resourceType() === 'script' || /\.m?js(\?|$)/.test(res.url())) bodies.push(res.body());
  });
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.waitForLoadState('networkidle');
  const all = await Promise.all(bodies);
  await context.close();
  return { bytes: all.reduce((n, b) => n + gzipSync(b, { level: 6 }).length, 0), files: all.length };
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

export const web: Benchmark = {
  name: 'web',
  description: 'web app: gzip JS for landing and dashboard, dashboard first render with data',
  async run() {
    const { builtSeconds } = await webBuild();
    const w = await startWebStack({ users: [user], plan: 'pro', webMode: 'built' });
    try {
      const page = await w.signIn(user);
      const enrolled = await w.stack.enrollAgent({ name: 'bench-node' });
      if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.stderr}`);
      w.stack.startAgent(enrolled.dataDir);
      const cookies = await page.context().cookies();
      const landing = await jsGzipBytes(w.browser, `${w.web.url}/`);
      const dashboard = await jsGzipBytes(w.browser, `${w.web.url}/dashboard`, cookies);
      const baseline = await timeToUsable(
        page,
        `${w.web.url}/`,
        'body[data-ready="true"] h1',
        BASELINE_SAMPLES,
      );
      const usable = await timeToUsable(
        page,
        `${w.web.url}/dashboard`,
        'body[data-ready="true"] [data-testid="node-card"]',
        SAMPLES,
      );
      const p50 = percentile(baseline, 50);
      const c = (
        name: string,
        metric: string,
        value: number,
        target: number | null,
        samples: number,
        base: number | null = null,
      ): BenchCase => ({
        case: name,
        metric,
        value: round(value),
        baseline_metric: base === null ? null : 'landing_usable_p50_ms',
        baseline: base === null ? null : round(base),
        ratio: base === null ? null : round(value / base),
        target,
        samples,
      });
      return {
        notes: `production build (nitro node server), ${builtSeconds === null ? 'build cached' : `vite build ${round(builtSeconds, 1)} s`}; headless Debian Chromium; one enrolled agent; landing ${landing.files} scripts, dashboard ${dashboard.files} scripts`,
        cases: [
          c('landing', 'js_gzip_bytes', landing.bytes, 60 * 1024, 1),
          c('dashboard', 'js_gzip_bytes', dashboard.bytes, null, 1),
          c('dashboard', 'usable_p50_ms', percentile(usable, 50), 1000, usable.length, p50),
          c('dashboard', 'usable_p99_ms', percentile(usable, 99), 1000, usable.length, p50),
          c('landing', 'usable_p50_ms', p50, null, baseline.length),
        ],
      };
    } finally {
      await w.stop();
    }
  },
};
