/**
 * Checks browser tests run on every page: open and wait for hydration, axe-core with no serious
 * or critical violations, a screenshot with no error overlay or boundary, an <h1>, and nothing
 * the page logged as an error since the last screenshot.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { repoRoot } from '../../scripts/lib/service.ts';

export const shotsDir = join(repoRoot, 'web', 'test-results');

const consoleErrors = new WeakMap<Page, string[]>();

/**
 * Collects what `p` logs as errors. Failed resource loads are left out: the browser logs them for
 * every refused or dropped request (a 401 before sign-in, a network change), which the app handles.
 */
export function watchConsole(p: Page): string[] {
  let errors = consoleErrors.get(p);
  if (!errors) {
    const list: string[] = [];
    p.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) list.push(m.text());
    });
    p.on('pageerror', (err) => list.push(`uncaught: ${err.message}`));
    consoleErrors.set(p, list);
    errors = list;
  }
  return errors;
}

/** Opens a page and waits until it is hydrated (interactive), as a person would before clicking. */
export async function openPage(p: Page, url: string): Promise<void> {
  watchConsole(p);
  await p.goto(url, { timeout: 60_000 });
  await p.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
}

export async function expectAccessible(p: Page, name: string): Promise<void> {
  // The app's CSP lets only scripts with this page's nonce run (issue 20, L4): axe goes in as one.
  await p.evaluate((source) => {
    const script = document.createElement('script');
    script.nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
    script.textContent = source;
    document.head.append(script);
  }, axe.source);
  const violations = (await p.evaluate(async () => {
    // SolidStart's dev toolbar is not part of the app (and absent from production builds).
    const result = await (window as unknown as { axe: typeof axe }).axe.run(
      { exclude: [['[data-start-dev-toolbar]']] },
      { resultTypes: ['violations'] },
    );
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3),
    }));
  })) as { id: string; impact: string; nodes: string[] }[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${name}: ${JSON.stringify(bad)}`).toEqual([]);
}

export async function screenshot(p: Page, name: string): Promise<void> {
  mkdirSync(shotsDir, { recursive: true });
  await p.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
  expect(
    await p.locator('vite-error-overlay, [data-start-error-viewer]').count(),
    `${name}: error overlay`,
  ).toBe(0);
  expect(await p.getByText('Something went wrong').count(), `${name}: error boundary`).toBe(0);
  await expect.poll(() => p.locator('h1').first().isVisible(), { timeout: 10_000 }).toBe(true);
  const errors = watchConsole(p);
  expect([...errors], `${name}: errors the page logged`).toEqual([]);
  errors.length = 0;
}
