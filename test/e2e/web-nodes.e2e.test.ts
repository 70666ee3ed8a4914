/**
 * A node's page in real Chromium (issue 21, item 2): the containers kombify manages on the node,
 * with a real agent and engine; a container's log (tail, search, refresh) and stop /
 * start from the page. axe-core finds nothing serious, light and dark.
 */
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeContainer, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { expectAccessible, openPage, screenshot } from '../harness/web-checks.ts';
import { startWebStack, type WebStack } from '../harness/web-stack.ts';

const ada = {
  sub: 'u-ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  password: 'correct horse battery',
};
const chatty = `kfy-web-chatty-${process.pid}`;
let w: WebStack;
let page: Page;
let docker: Docker;
let workerId: string;

beforeAll(async () => {
  docker = await requireDocker();
  await removeContainer(docker, chatty);
  w = await startWebStack({ users: [ada], plan: 'pro' });
  ({ workerId } = await w.stack.onlineAgent('web-box'));
  const loop = [
    "trap 'exit 0' TERM",
    'i=0',
    'while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 1; done',
  ].join('; ');
  const run = await w.stack.api('/v1/orchestrator/jobs', {
    body: {
      worker_id: workerId,
      type: 'docker.run',
      params: { image: TEST_IMAGE, name: chatty, command: ['sh', '-c', loop] },
    },
  });
  expect((await w.stack.waitForJob(run.body.data.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  page = await w.signIn(ada);
}, 300_000);

afterAll(async () => {
  await removeContainer(docker, chatty);
  await w?.stop();
});

const row = () => page.locator(`[data-testid="container-row"][data-container="${chatty}"]`);
const shownLines = () => page.getByTestId('logs-lines').locator('.log-line').allTextContents();

describe('a node’s page', () => {
  it('is reached from the dashboard and lists the node’s containers', async () => {
    await openPage(page, `${w.web.url}/dashboard`);
    await page.locator('[data-testid="node-card"][data-node="web-box"] [data-testid="node-link"]').click();
    await page.waitForURL(`**/nodes/${workerId}`);
    await row().waitFor({ timeout: 20_000 });
    expect(await row().getByTestId('container-state').textContent()).toContain('running');
    expect(await row().textContent()).toContain(TEST_IMAGE);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectAccessible(page, `node page (${scheme})`);
    }
    await screenshot(page, 'node-page');
  });

  it('shows a container’s log, searches it and reads it again', async () => {
    await row().getByTestId('container-logs-open').click();
    const logs = page.getByTestId('container-logs');
    await logs.waitFor();
    await expect.poll(async () => (await shownLines()).length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await shownLines()).some((l) => /tick \d+/.test(l))).toBe(true);
    await page.getByTestId('logs-search').fill('warn');
    const found = await shownLines();
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((l) => l.startsWith('warn'))).toBe(true);
    expect(await page.getByTestId('logs-lines').locator('.log-stderr').count()).toBe(found.length);
    await page.getByTestId('logs-search').fill('');

    // Refresh reads the newest lines again: the container keeps printing.
    const newest = async () =>
      Math.max(...(await shownLines()).map((l) => Number(/tick (\d+)/.exec(l)?.[1] ?? 0)));
    const before = await newest();
    await new Promise((r) => setTimeout(r, 2500));
    await page.getByTestId('logs-refresh').click();
    await expect.poll(newest, { timeout: 20_000 }).toBeGreaterThan(before);
    await expectAccessible(page, 'node page with a log');
  });

  it('stops and starts a container from the page', async () => {
    await row().getByTestId('container-stop').click();
    await row().getByTestId('container-stop-confirm').click();
    await expect
      .poll(() => row().getByTestId('container-state').textContent(), { timeout: 20_000 })
      .toContain('exited');
    expect((await docker.getContainer(chatty).inspect()).State.Running).toBe(false);
    await row().getByTestId('container-start').click();
    await expect
      .poll(() => row().getByTestId('container-state').textContent(), { timeout: 20_000 })
      .toContain('running');
    expect((await docker.getContainer(chatty).inspect()).State.Running).toBe(true);
  });
});
