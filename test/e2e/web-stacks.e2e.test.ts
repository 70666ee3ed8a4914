/**
 * The Stacks and Simulations pages in real Chromium against the whole local product (issuer, edge,
 * web, a real host agent on the real Docker engine): a simulation from `homelab-basic` with both
 * nodes running and their SSH details; a stack written from a StackKit and as kombination.yaml
 * (with a validation problem shown at its line), bound to an approved worker, planned, approved,
 * its logs streaming and the run succeeding. axe-core on every new page, light and dark; screenshots.
 */
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../harness/docker.ts';
import { removeSimulations, requireSimImage, SIM_IMAGE } from '../harness/sim.ts';
import { expectAccessible, openPage, screenshot } from '../harness/web-checks.ts';
import { startWebStack, type WebStack } from '../harness/web-stack.ts';

const ada = {
  sub: 'u-ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  password: 'correct horse battery',
};
const run = `w3${process.pid.toString(36)}${Math.random().toString(36).slice(2, 5)}`;
// SSH ports away from the default 2222 range other test files use on this shared host.
const sshFirst = 20_000 + Math.floor(Math.random() * 200) * 50;
let w: WebStack;
let docker: Docker;
let page: Page;
const sims = new Set<string>();

const open = (path: string) => openPage(page, `${w.web.url}${path}`);

beforeAll(async () => {
  docker = await requireDocker();
  await requireSimImage();
  const t0 = Date.now();
  w = await startWebStack({
    users: [ada],
    // Stacks on the free plan are read-only (plan and dry runs only).
    plan: 'pro',
    vars: {
      SIM_NODE_IMAGE: SIM_IMAGE,
      SIM_SSH_PORT_FIRST: String(sshFirst),
      SIM_SSH_PORTS: '10',
      STACK_POLL_SECONDS: '2',
    },
  });
  console.log(`web stack up in ${Date.now() - t0} ms`);
  // The host agent: KombiSim's host worker.
  await w.stack.onlineAgent(`${run}-host`);
  // The dev server compiles each page's modules on first use, which takes long on a busy shared
  // machine: this page waits longer than the sign-in helper's defaults.
  page = await w.browser.newPage();
  page.setDefaultTimeout(120_000);
  page.setDefaultNavigationTimeout(120_000);
  await w.signIn(ada, page);
}, 420_000);

afterAll(async () => {
  await w?.stop();
  if (docker) await removeSimulations(docker, sims);
});

describe('simulations', () => {
  it('creates a simulation from homelab-basic and shows both nodes running with SSH details', async () => {
    await open('/simulations');
    await page.getByTestId('sims-empty').waitFor();
    await expectAccessible(page, 'simulations (empty)');
    const template = page.locator('[data-testid="template"][data-template="homelab-basic"]');
    await expect
      .poll(() => template.textContent())
      .toContain('2 nodes: web-server (local), database (local)');
    await template.getByRole('radio').check();
    await page.getByLabel('Name', { exact: true }).fill(`${run}-lab`);
    await page.getByTestId('create-simulation').click();

    const card = page.locator(`[data-testid="simulation"][data-simulation="${run}-lab"]`);
    await card.waitFor({ timeout: 120_000 });
    const listed = await w.stack.api('/api/v1/simulations');
    for (const s of listed.body.data) sims.add(s.id);
    const nodes = card.getByTestId('sim-node');
    await expect
      .poll(() => nodes.getByTestId('node-status').evaluateAll((els) => els.map((e) => e.dataset.status)), {
        timeout: 60_000,
      })
      .toEqual(['running', 'running']);
    expect(await nodes.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.node))).toEqual([
      'web-server',
      'database',
    ]);

    // SSH details of each node: what the API says, and a command to copy.
    const api = listed.body.data.find((s: { name: string }) => s.name === `${run}-lab`);
    for (const [i, name] of ['web-server', 'database'].entries()) {
      const row = card.locator(`[data-testid="sim-node"][data-node="${name}"]`);
      await row.getByTestId('ssh-toggle').click();
      const details = card.getByTestId('ssh-details').nth(i);
      await details.waitFor();
      const port = api.nodes.find((n: { name: string }) => n.name === name).ssh_port;
      expect(port).toBe(sshFirst + i);
      expect(await details.getByTestId('ssh-port').textContent()).toBe(String(port));
      expect(await details.getByTestId('ssh-user').textContent()).toBe('root');
      expect(await details.getByTestId('ssh-password').textContent()).toBe('kombisim');
      expect(await details.getByTestId('ssh-command').inputValue()).toBe(`ssh -p ${port} root@127.0.0.1`);
    }
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: w.web.url });
    await card.getByTestId('copy-ssh').first().click();
    await expect.poll(() => card.getByTestId('copy-ssh').first().textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      `ssh -p ${sshFirst} root@127.0.0.1`,
    );
    await screenshot(page, 'simulations');
    await expectAccessible(page, 'simulations');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'simulations (dark)');
    await page.emulateMedia({ colorScheme: 'light' });

    // Delete through the page: a second, explicit confirmation, then the card goes.
    await card.getByRole('button', { name: 'Delete', exact: true }).click();
    await card.getByTestId('confirm-delete').click();
    await card.waitFor({ state: 'detached', timeout: 90_000 });
  }, 300_000);
});

describe('stacks', () => {
  it('writes a spec from a StackKit and shows a validation problem at its line', async () => {
    await open('/stacks');
    await page.getByTestId('stacks-empty').waitFor();
    await screenshot(page, 'stacks-empty');
    await expectAccessible(page, 'stacks (empty)');
    await page.getByTestId('new-stack').click();
    await page.waitForURL(`${w.web.url}/stacks/new`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByRole('radio', { name: /^base-homelab/ }).check();
    await page.getByRole('radio', { name: /^minimal/ }).check();
    await expect.poll(() => page.getByTestId('kit-requirements').textContent()).toContain('Nodes:');
    await page.getByLabel('Node 1', { exact: true }).fill('local');
    await page.getByLabel('4. Stack name').fill(`${run}-kit`);
    await page.getByTestId('write-spec').click();
    const editor = page.getByTestId('spec-editor');
    await expect
      .poll(() => editor.inputValue())
      .toBe(
        `name: ${run}-kit\nkit: base-homelab\nvariant: minimal\nnodes:\n  - name: local\n    type: main\n`,
      );
    await expect
      .poll(() => page.getByTestId('spec-status').textContent(), { timeout: 15_000 })
      .toContain(`Valid — ${run}-kit: base-homelab, 1 node(s)`);

    // A bad node type on line 5: the problem names that line, the gutter marks it.
    await editor.fill(`name: ${run}-bad\nkit: base-homelab\nnodes:\n  - name: local\n    type: mainframe\n`);
    const problem = page.getByTestId('spec-problem').first();
    await problem.waitFor({ timeout: 15_000 });
    expect(await problem.getAttribute('data-line')).toBe('5');
    expect(await problem.textContent()).toContain('nodes[0].type');
    expect(await page.locator('.editor-gutter .bad-line').textContent()).toBe('5');
    expect(await page.getByTestId('create-stack').isDisabled()).toBe(true);
    await screenshot(page, 'stack-new-invalid');
    await expectAccessible(page, 'new stack (invalid)');
  }, 180_000);
});
