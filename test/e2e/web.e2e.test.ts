/**
 * The web app in a real browser against a real edge and agent: the dashboard shows the edge's
 * health and the connected worker, and the admin token never reaches the browser.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/browser.ts';
import { type Stack, startStack } from '../harness/stack.ts';
import { startWeb, type WebServer } from '../harness/web.ts';

let stack: Stack;
let web: WebServer;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  await stack.onlineAgent('web-node');
  web = await startWeb({ edgeUrl: stack.edgeUrl, adminToken: stack.adminToken });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stack?.stop();
});

describe('dashboard', () => {
  it('shows edge health and the online worker', async () => {
    const page = await browser.newPage();
    const sent: string[] = [];
    page.on('response', async (res) => {
      sent.push(await res.text().catch(() => ''));
    });
    await page.goto(web.url);
    await expect
      .poll(() => page.getByTestId('health-status').textContent(), { timeout: 30_000 })
      .toContain('healthy');
    const row = page.getByTestId('worker-row').filter({ hasText: 'web-node' });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('worker-status').textContent()).toContain('online');
    expect(sent.join('\n')).not.toContain(stack.adminToken);
    expect(await page.content()).not.toContain(stack.adminToken);
    await page.close();
  });

  it('says so when the edge cannot be reached', async () => {
    const down = await startWeb({ edgeUrl: 'http://127.0.0.1:9', adminToken: stack.adminToken });
    try {
      const page = await browser.newPage();
      await page.goto(down.url);
      const banner = page.getByTestId('edge-error');
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toContain('http://127.0.0.1:9');
      await page.close();
    } finally {
      await down.stop();
    }
  });
});
