/**
 * Bringing your own apps, in real Chromium against the local product (issuer, edge, web): a
 * docker-compose file pasted on the new-stack page is imported, its warning marked at its line in
 * the compose editor and listed, and the stack is created from the spec it made; the app gallery
 * searches the catalog, filters by category and adds an app to a stack as a new spec version,
 * showing its generated secret once. axe-core finds nothing serious on either; the gallery does
 * not load the spec editor's code.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, openPage, screenshot } from '../harness/web-checks.ts';
import { editorText, errorLines, specEditor } from '../harness/web-editor.ts';
import { startWebStack, type WebStack } from '../harness/web-stack.ts';

const ada = {
  sub: 'u-ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  password: 'correct horse battery',
};
const run = `ap${process.pid.toString(36)}${Math.random().toString(36).slice(2, 5)}`;
let w: WebStack;
let page: Page;

beforeAll(async () => {
  w = await startWebStack({ users: [ada], plan: 'pro' });
  page = await w.signIn(ada);
}, 300_000);

afterAll(async () => {
  await w?.stop();
});

/** 1-based numbers of the lines that carry a warning marker. */
async function warningLines(editor: Locator): Promise<number[]> {
  return editor.evaluate((el) => {
    const lines = [...el.querySelectorAll(':scope > .cm-line')];
    const marked = [...el.querySelectorAll('.cm-lintRange-warning')].map(
      (mark) => lines.indexOf(mark.closest('.cm-line')!) + 1,
    );
    return [...new Set(marked)].sort((a, b) => a - b);
  });
}

describe('compose import', () => {
  it('imports a pasted compose file, marks its warning at its line, and creates the stack', async () => {
    await openPage(page, `${w.web.url}/stacks/new`);
    const compose = specEditor(page, 'compose-text');
    await compose.fill(
      [
        "version: '3.8'",
        `name: ${run}`,
        'services:',
        '  hello:',
        '    image: traefik/whoami:v1.10.3',
        '    ports:',
        '      - "9081:80"',
        '',
      ].join('\n'),
    );
    await page.getByTestId('import-compose').click();
    const warning = page.getByTestId('compose-warning').first();
    await warning.waitFor({ timeout: 15_000 });
    expect(await warning.getAttribute('data-line')).toBe('1');
    expect(await warning.textContent()).toContain('version: is obsolete');
    await expect.poll(() => warningLines(compose)).toEqual([1]);
    expect(await page.getByTestId('compose-status').textContent()).toContain('Imported 1 service(s) (hello)');
    // The warning's button puts the cursor on its line in the compose editor.
    await warning.getByRole('button', { name: /^Line 1/ }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('compose-text');

    // The spec it made is in the spec editor, checked by the edge like any spec.
    const spec = specEditor(page, 'spec-yaml');
    await expect.poll(() => editorText(spec)).toContain(`name: ${run}`);
    expect(await editorText(spec)).toContain('image: traefik/whoami:v1.10.3');
    await expect
      .poll(() => page.getByTestId('spec-status').textContent(), { timeout: 15_000 })
      .toContain(`Valid — ${run}`);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectAccessible(page, `new stack with an imported compose file (${scheme})`);
      await screenshot(page, `compose-import-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByTestId('create-stack').click();
    await page.waitForURL(/\/stacks\/stk_/, { timeout: 30_000 });
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    const stored = await w.stack.api(`/v1/orchestrator/stacks/${id}/spec`);
    expect(stored.body.data.spec.name).toBe(run);
    expect(stored.body.data.spec.services.map((s: any) => s.name)).toContain('hello');
  }, 180_000);

  it('shows the importer’s errors at their lines for a chosen file, and creates nothing', async () => {
    await openPage(page, `${w.web.url}/stacks/new`);
    const compose = specEditor(page, 'compose-text');
    const file = 'services:\n  web:\n    image: nginx:1.27.2\n    privileged: true\nfrobnicate: 1\n';
    await page.getByLabel('Choose a file').setInputFiles({
      name: 'docker-compose.yml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(file),
    });
    await expect.poll(() => editorText(compose)).toBe(file);
    await page.getByTestId('import-compose').click();
    const errors = page.getByTestId('compose-error');
    await errors.first().waitFor({ timeout: 15_000 });
    const lines = await errors.evaluateAll((items) => items.map((i) => i.getAttribute('data-line')));
    expect(lines).toContain('5');
    await expect.poll(() => errorLines(compose)).toContain(5);
    expect(await editorText(specEditor(page, 'spec-yaml'))).toBe('');
    expect(await page.getByTestId('create-stack').isDisabled()).toBe(true);
  }, 120_000);
});

describe('app gallery', () => {
  it('searches the catalog, filters by category, and adds an app to a stack', async () => {
    const made = await w.stack.api('/v1/orchestrator/stacks', {
      body: `name: ${run}-apps\nkit: base-homelab\nvariant: minimal\nnodes:\n  - name: box\n    type: main\n`,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(made.status).toBe(201);
    const id = made.body.data.id;

    const scripts: string[] = [];
    const listen = (res: { url(): string; request(): { resourceType(): string } }) => {
      if (res.request().resourceType() === 'script') scripts.push(res.url());
    };
    page.on('response', listen);
    await openPage(page, `${w.web.url}/apps`);
    await page.waitForLoadState('networkidle');
    page.off('response', listen);
    expect(scripts.some((u) => /create-spec-editor/.test(u))).toBe(false);
    expect(await page.getByTestId('app-card').count()).toBeGreaterThanOrEqual(60);

    await page.getByLabel('Search apps').fill('bitwarden');
    await page.getByLabel('Search apps').press('Enter');
    await page.waitForURL(/q=bitwarden/);
    await expect
      .poll(() =>
        page.getByTestId('app-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-app'))),
      )
      .toEqual(['vaultwarden']);

    await page.getByLabel('Search apps').fill('');
    await page.getByLabel('Category').selectOption('media');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/category=media/);
    await expect.poll(() => page.getByTestId('app-card').count()).toBeLessThan(60);
    const mediaBadges = await page.locator('[data-testid="app-card"] .badge').allTextContents();
    expect(mediaBadges.length).toBeGreaterThan(0);
    expect(new Set(mediaBadges)).toEqual(new Set(['media']));

    await openPage(page, `${w.web.url}/apps?q=bitwarden`);
    await page.getByLabel('Add apps to').selectOption(id);
    await page.getByRole('button', { name: `Add Vaultwarden to ${run}-apps` }).click();
    const outcome = page.getByTestId('add-app-outcome');
    await expect
      .poll(() => outcome.textContent(), { timeout: 15_000 })
      .toContain(`Added vaultwarden to ${run}-apps as spec version 2`);
    const secret = (await page.getByTestId('app-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9]{48}$/);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectAccessible(page, `app gallery after adding an app (${scheme})`);
      await screenshot(page, `app-gallery-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    const stored = await w.stack.api(`/v1/orchestrator/stacks/${id}/spec`);
    expect(stored.body.data.version).toBe(2);
    expect(stored.body.data.spec.services.map((s: any) => s.name)).toContain('vaultwarden');
    expect(JSON.stringify(stored.body)).not.toContain(secret);

    // The same app again: the edge's refusal is shown, nothing is added.
    await page.getByRole('button', { name: `Add Vaultwarden to ${run}-apps` }).click();
    await expect.poll(() => outcome.textContent(), { timeout: 15_000 }).toContain('was not added');
    expect((await w.stack.api(`/v1/orchestrator/stacks/${id}/spec`)).body.data.version).toBe(2);
  }, 180_000);
});
