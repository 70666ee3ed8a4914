/**
 * Checks browser tests run on every page: open and wait for hydration, axe-core with no serious
 * or critical violations, a screenshot with no error overlay or boundary and an <h1>.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { repoRoot } from '../../scripts/lib/service.ts';

export const shotsDir = join(repoRoot, 'web', 'test-results');

/**
 * Opens a page and waits until it is hydrated (interactive), as a person would before clicking.
 * The dev server compiles a page on its first visit, which takes long on a busy machine.
 */
export async function openPage(p: Page, url: string): Promise<void> {
  await p.goto(url, { timeout: 120_000 });
  await p.locator('body[data-ready="true"]').waitFor({ timeout: 120_000 });
}

export async function expectAccessible(p: Page, name: string): Promise<void> {
  await p.addScriptTag({ content: axe.source });
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
}
