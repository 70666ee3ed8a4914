/**
 * The spec editor (CodeMirror 6 with the kombination JSON Schema) in real Chromium against the
 * local product (issuer, edge, web): completion offers the kit names, keys and node types from
 * the schema; hover and the line under the editor document the field; the edge's validation
 * problem is marked at its line and column; it works from the keyboard (completion, going to a
 * problem, leaving with Esc then Tab); axe-core finds nothing serious on the new-stack and stack
 * pages with the editor, light and dark; the code is fetched only by the pages that edit a spec.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, openPage, screenshot } from '../harness/web-checks.ts';
import {
  completionLabels,
  editorText,
  errorLines,
  pickCompletion,
  specEditor,
} from '../harness/web-editor.ts';
import { startWebStack, type WebStack } from '../harness/web-stack.ts';

const ada = {
  sub: 'u-ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  password: 'correct horse battery',
};
const run = `ed${process.pid.toString(36)}${Math.random().toString(36).slice(2, 5)}`;
let w: WebStack;
let page: Page;

beforeAll(async () => {
  w = await startWebStack({ users: [ada], plan: 'pro' });
  page = await w.signIn(ada);
}, 300_000);

afterAll(async () => {
  await w?.stop();
});

/** Script URLs a fresh load of `path` fetches. */
async function scriptsOf(path: string): Promise<string[]> {
  const urls: string[] = [];
  const listen = (res: { url(): string; request(): { resourceType(): string } }) => {
    if (res.request().resourceType() === 'script') urls.push(res.url());
  };
  page.on('response', listen);
  await openPage(page, `${w.web.url}${path}`);
  await page.waitForLoadState('networkidle');
  page.off('response', listen);
  return urls;
}

describe('spec editor', () => {
  it('is loaded by the pages that edit a spec and no other', async () => {
    const editorChunk = (urls: string[]) => urls.some((u) => /create-spec-editor/.test(u));
    expect(editorChunk(await scriptsOf('/dashboard'))).toBe(false);
    expect(editorChunk(await scriptsOf('/stacks'))).toBe(false);
    expect(editorChunk(await scriptsOf('/stacks/new'))).toBe(true);
  });

  it('completes kit names, keys and node types from the schema, from the keyboard', async () => {
    await openPage(page, `${w.web.url}/stacks/new`);
    const editor = specEditor(page, 'spec-yaml');
    await editor.click();
    await page.keyboard.type(`name: ${run}\nkit: `);
    expect(await completionLabels(page)).toEqual(['base-homelab', 'modern-homelab', 'ha-homelab']);
    // The list documents each kit (its summary, from the kit's own schema).
    await expect.poll(() => page.locator('.cm-completionInfo').textContent()).toContain('One server');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('.cm-completionInfo').textContent()).toContain('cloud nodes');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    expect(await editorText(editor)).toBe(`name: ${run}\nkit: base-homelab`);

    // A key: `no` offers `nodes` (name and kit are there already, so they are not offered again).
    await page.keyboard.press('Enter');
    await page.keyboard.type('n');
    const keys = await completionLabels(page);
    expect(keys).toContain('nodes');
    expect(keys).not.toContain('name');
    await page.keyboard.type('od');
    await expect.poll(() => completionLabels(page)).toEqual(['nodes']);
    await pickCompletion(page, 'nodes');
    await page.keyboard.type('name: box\ntype: ');
    expect(await editorText(editor)).toBe(
      `name: ${run}\nkit: base-homelab\nnodes:\n  - name: box\n    type: `,
    );
    expect(await completionLabels(page)).toEqual(['main', 'worker', 'edge']);
    await pickCompletion(page, 'main');
    await expect
      .poll(() => page.getByTestId('spec-status').textContent(), { timeout: 15_000 })
      .toContain(`Valid — ${run}: base-homelab, 1 node(s)`);

    // The field at the cursor is documented under the editor; hovering a key shows the same.
    await expect.poll(() => page.getByTestId('field-doc').textContent()).toContain('nodes[0].type');
    expect(await page.getByTestId('field-doc').textContent()).toContain('main (runs the stack core');
    await editor.locator('.cm-line', { hasText: 'kit: base-homelab' }).getByText('kit').hover();
    const hover = page.locator('.cm-tooltip-hover .cm-field-doc');
    await hover.waitFor();
    expect(await hover.textContent()).toContain('StackKit; empty = auto-select');
    await page.mouse.move(0, 0);

    // Esc, then Tab, leaves the editor (Tab alone indents).
    await editor.focus();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('cm-content'))).toBe(false);
    await screenshot(page, 'spec-editor-completion');
  }, 120_000);

  it('marks the edge’s problem at its line and column, and goes there from the list', async () => {
    await openPage(page, `${w.web.url}/stacks/new`);
    const editor = specEditor(page, 'spec-yaml');
    await editor.fill(`name: ${run}-bad\nkit: base-homelab\nnodes:\n  - name: local\n    type: mainframe\n`);
    const problem = page.getByTestId('spec-problem').first();
    await problem.waitFor({ timeout: 15_000 });
    expect(await problem.getAttribute('data-line')).toBe('5');
    await expect.poll(() => errorLines(editor)).toEqual([5]);
    expect(await editor.locator('.cm-lintRange-error').textContent()).toBe('mainframe');
    expect(await page.locator('.cm-lint-marker-error').count()).toBe(1);
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('create-stack').isDisabled()).toBe(true);

    // The problem's button puts the cursor on it, in the editor.
    await problem.getByRole('button', { name: 'Line 5, column 11' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('spec-yaml');
    await expect.poll(() => page.getByTestId('field-doc').textContent()).toContain('nodes[0].type');

    // Fixed: the marker goes.
    await editor.fill(`name: ${run}-bad\nkit: base-homelab\nnodes:\n  - name: local\n    type: main\n`);
    await expect
      .poll(() => page.getByTestId('spec-status').textContent(), { timeout: 15_000 })
      .toContain('Valid');
    expect(await errorLines(editor)).toEqual([]);
    expect(await editor.getAttribute('aria-invalid')).toBeNull();
  }, 120_000);

  it('has no serious accessibility problems on the pages with the editor, light and dark', async () => {
    await openPage(page, `${w.web.url}/stacks/new`);
    const editor = specEditor(page, 'spec-yaml');
    await editor.fill(`name: ${run}-axe\nkit: base-homelab\nnodes:\n  - name: local\n    type: mainframe\n`);
    await expect.poll(() => errorLines(editor), { timeout: 15_000 }).toEqual([5]);
    await editor.press('End');
    await page.keyboard.press('Control+Space');
    await page.locator('.cm-tooltip-autocomplete').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectAccessible(page, `new stack with the editor (${scheme})`);
      await screenshot(page, `spec-editor-new-${scheme}`);
    }
    // The problems panel, focused (Ctrl-Shift-M), as a keyboard user reaches it.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.cm-panel-lint');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('"mainframe" is not a valid type');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectAccessible(page, `new stack with the problems panel (${scheme})`);
      await screenshot(page, `spec-editor-problems-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    const made = await w.stack.api('/v1/orchestrator/stacks', {
      body: `name: ${run}-page\nkit: base-homelab\nvariant: minimal\nnodes:\n  - name: local\n    type: main\n`,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(made.status).toBe(201);
    await openPage(page, `${w.web.url}/stacks/${made.body.data.id}`);
    await page.locator('summary', { hasText: 'Edit the current spec' }).click();
    const edit = specEditor(page, 'edit-spec');
    await expect.poll(() => editorText(edit)).toContain(`name: ${run}-page`);
    await edit.locator('.cm-line', { hasText: 'variant: minimal' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Backspace');
    await page.keyboard.press('Control+Space');
    // The stack's kit's own variants.
    expect(await completionLabels(page)).toEqual(['default', 'beszel', 'minimal', 'coolify']);
    await page.keyboard.press('Escape');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectAccessible(page, `stack page with the editor (${scheme})`);
      await screenshot(page, `spec-editor-stack-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }, 120_000);
});
