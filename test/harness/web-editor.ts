/**
 * Reading the spec editor (CodeMirror 6, web/src/editor/) in browser tests: its text and the lines
 * its lint markers are on. Both read the rendered lines, which hold the whole document for specs
 * of a few dozen lines (CodeMirror renders what is in view plus a margin).
 */
import type { Locator, Page } from 'playwright-core';

/** The editable element of the spec editor with this id, once CodeMirror has replaced the textarea. */
export function specEditor(page: Page, id: string): Locator {
  return page.locator(`#${id}.cm-content`);
}

/** The editor's text, line by line as rendered. */
export async function editorText(editor: Locator): Promise<string> {
  return editor.evaluate((el) =>
    [...el.querySelectorAll(':scope > .cm-line')].map((line) => line.textContent ?? '').join('\n'),
  );
}

/** 1-based numbers of the lines that carry an error marker, in order, each once. */
export async function errorLines(editor: Locator): Promise<number[]> {
  return editor.evaluate((el) => {
    const lines = [...el.querySelectorAll(':scope > .cm-line')];
    const marked = [...el.querySelectorAll('.cm-lintRange-error')].map(
      (mark) => lines.indexOf(mark.closest('.cm-line')!) + 1,
    );
    return [...new Set(marked)].sort((a, b) => a - b);
  });
}

/** The labels of the completion list that is open, in order. */
export async function completionLabels(page: Page): Promise<string[]> {
  const list = page.locator('.cm-tooltip-autocomplete [role="option"] .cm-completionLabel');
  await list.first().waitFor();
  return list.allTextContents();
}

/**
 * Picks `label` from the open completion list with the keyboard, as a person would: arrows to it,
 * then Enter. CodeMirror ignores those keys for 75 ms after the list opens (so a fast typist's
 * Enter is a newline, not a surprise completion); a script is faster than that, so it waits first.
 */
export async function pickCompletion(page: Page, label: string): Promise<void> {
  const labels = await completionLabels(page);
  const index = labels.indexOf(label);
  if (index < 0) throw new Error(`"${label}" is not offered: ${labels.join(', ')}`);
  await page.waitForTimeout(100);
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
}
