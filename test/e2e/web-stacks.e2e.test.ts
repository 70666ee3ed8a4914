/**
 * The Stacks and Simulations pages in real Chromium against the whole local product (issuer, edge,
 * web, a real host agent on the real Docker engine): a simulation from `homelab-basic` with both
 * nodes running and their SSH details; a stack written from a StackKit and as kombination.yaml
 * (with a validation problem shown at its line), bound to an approved worker, planned, approved,
 * its logs streaming and the run succeeding; an ha-homelab spec bound to an `ha-setup` simulation
 * from a proposal (managers and workers by role). axe-core on every new page, light and dark;
 * screenshots.
 */
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { type Homelab, homelab } from '../harness/homelab.ts';
import {
  nodePassword,
  onlineWorkers,
  pushImages,
  removeSimulations,
  requireSimImage,
  SIM_IMAGE,
  ssh2Exec,
} from '../harness/sim.ts';
import { poll } from '../harness/stack.ts';
import { expectAccessible, openPage, screenshot } from '../harness/web-checks.ts';
import { editorText, errorLines, specEditor } from '../harness/web-editor.ts';
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
let workerId: string;
const sims = new Set<string>();
const stacks: string[] = [];

const open = (path: string) => openPage(page, `${w.web.url}${path}`);

/** Writes `lab` as kombination.yaml with its image overrides on the new-stack page and creates it. */
async function createStackOnPage(lab: Homelab): Promise<string> {
  await open('/stacks/new');
  await page.getByTestId('spec-editor').fill(lab.spec);
  await page.locator('summary', { hasText: 'Image overrides' }).click();
  await page.getByTestId('image-overrides').fill(
    Object.entries(lab.images)
      .map(([service, image]) => `${service}=${image}`)
      .join('\n'),
  );
  await expect
    .poll(() => page.getByTestId('spec-status').textContent(), { timeout: 15_000 })
    .toContain('Valid');
  await page.getByTestId('create-stack').click();
  await page.waitForURL(/\/stacks\/stk_[^/]+$/, { timeout: 20_000 });
  const id = new URL(page.url()).pathname.split('/').pop()!;
  stacks.push(id);
  await page.locator('body[data-ready="true"]').waitFor();
  return id;
}

/** Deploys from the stack page: the plan waits for approval, is approved, and the run succeeds. */
async function deployOnPage(): Promise<void> {
  await page.getByTestId('deploy').click();
  const runView = page.getByTestId('run');
  await expect.poll(() => runView.getAttribute('data-status'), { timeout: 90_000 }).toBe('awaiting_approval');
  await page.getByTestId('approve-run').click();
  await expect.poll(() => runView.getAttribute('data-status'), { timeout: 120_000 }).toBe('succeeded');
}

beforeAll(async () => {
  docker = await requireDocker();
  await requireSimImage();
  await pushImages([TEST_IMAGE]);
  const t0 = Date.now();
  w = await startWebStack({
    users: [ada],
    // Stacks on the free plan are read-only (plan and dry runs only).
    plan: 'pro',
    vars: {
      SIM_NODE_IMAGE: SIM_IMAGE,
      SIM_SSH_PORT_FIRST: String(sshFirst),
      SIM_SSH_PORTS: '10',
    },
  });
  console.log(`web stack up in ${Date.now() - t0} ms`);
  // The host agent: KombiSim's host worker and the stack's target.
  workerId = (await w.stack.onlineAgent(`${run}-host`)).workerId;
  page = await w.signIn(ada);
}, 420_000);

afterAll(async () => {
  if (docker) {
    for (const id of stacks) await removeStackResources(docker, id);
  }
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
    // The deploy-target box follows the template's default: on for the multi-node ones.
    await page.locator('[data-testid="template"][data-template="ha-setup"]').getByRole('radio').check();
    expect(await page.getByTestId('deploy-target').isChecked()).toBe(true);
    await template.getByRole('radio').check();
    expect(await page.getByTestId('deploy-target').isChecked()).toBe(false);
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
      // The node's own password, shown this once (the edge forgets it), and it logs in.
      const password = (await details.getByTestId('ssh-password').textContent()) ?? '';
      expect(password).toMatch(/^[a-z2-7]{20}$/);
      expect(await details.getByTestId('ssh-password-note').textContent()).toMatch(/shown once/);
      expect((await ssh2Exec({ port, password }, 'hostname')).stdout.trim()).toBe(name);
      expect(await details.getByTestId('ssh-command').inputValue()).toBe(`ssh -p ${port} root@127.0.0.1`);
    }
    // Faults from the page: a partition, recorded in the node's events, then healed.
    const faults = card.getByTestId('node-faults').first();
    await faults.getByTestId('fault-partition').click();
    await faults
      .locator('[data-testid="node-events"] li[data-kind="fault.partition"]')
      .waitFor({ timeout: 40_000 });
    await faults.getByTestId('fault-heal').click();
    await faults
      .locator('[data-testid="node-events"] li[data-kind="fault.heal"]')
      .waitFor({ timeout: 40_000 });
    expect(
      await faults.locator('[data-testid="node-events"] li[data-kind="fault.partition"]').textContent(),
    ).toContain('partitioned from every other node until healed');
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
    await page.getByLabel('5. Stack name').fill(`${run}-kit`);
    await page.getByTestId('write-spec').click();
    const editor = specEditor(page, 'spec-yaml');
    await expect
      .poll(() => editorText(editor))
      .toBe(
        `name: ${run}-kit\nkit: base-homelab\nvariant: minimal\nnodes:\n  - name: local\n    type: main\n`,
      );
    await expect
      .poll(() => page.getByTestId('spec-status').textContent(), { timeout: 15_000 })
      .toContain(`Valid — ${run}-kit: base-homelab, 1 node(s)`);

    // Options: written only when set, checked by the edge like the rest.
    await page.getByLabel('Domain', { exact: true }).fill('home.example.com');
    await page.getByLabel('Services reached by').selectOption('proxy');
    await page.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
    await page.getByTestId('write-spec').click();
    await expect
      .poll(() => editorText(editor))
      .toBe(
        `name: ${run}-kit\nkit: base-homelab\nvariant: minimal\nnodes:\n  - name: local\n    type: main\n` +
          'network:\n  domain: home.example.com\n  access: proxy\nsystem:\n  timezone: Europe/Berlin\n',
      );
    await expect
      .poll(() => page.getByTestId('spec-status').textContent(), { timeout: 15_000 })
      .toContain(`Valid — ${run}-kit`);
    await page.getByLabel('Time zone', { exact: true }).fill('Not a zone!');
    await page.getByTestId('write-spec').click();
    await expect
      .poll(() => page.getByTestId('spec-problem').first().getAttribute('data-line'), { timeout: 15_000 })
      .toBe('11');

    // A bad node type on line 5: the problem names that line, the editor marks it there.
    await editor.fill(`name: ${run}-bad\nkit: base-homelab\nnodes:\n  - name: local\n    type: mainframe\n`);
    const problem = page.getByTestId('spec-problem').first();
    await problem.waitFor({ timeout: 15_000 });
    expect(await problem.getAttribute('data-line')).toBe('5');
    expect(await problem.textContent()).toContain('nodes[0].type');
    await expect.poll(() => errorLines(editor)).toEqual([5]);
    expect(await page.getByTestId('create-stack').isDisabled()).toBe(true);
    await screenshot(page, 'stack-new-invalid');
    await expectAccessible(page, 'new stack (invalid)');
  }, 180_000);

  it('creates base-homelab minimal, binds and approves the worker, approves the plan, streams logs to success', async () => {
    const lab = await homelab({ name: `${run}-lab`, variant: 'minimal', image: TEST_IMAGE });
    const id = await createStackOnPage(lab);

    // Bind node `local` to the host agent; stacks use only approved workers.
    const node = page.locator('[data-testid="stack-node"][data-node="local"]');
    await node.waitFor();
    await node.getByTestId('bind-select').selectOption(workerId);
    await page.getByTestId('save-bindings').click();
    await expect
      .poll(() => node.getByTestId('node-binding-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('pending_approval');
    await node.getByTestId('approve-worker').click();
    await expect
      .poll(() => node.getByTestId('node-binding-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('online');

    // Deploy: pre-checks and the plan run, then the run waits for approval with the plan shown.
    await page.getByTestId('deploy').click();
    const runView = page.getByTestId('run');
    await expect
      .poll(() => runView.getAttribute('data-status'), { timeout: 90_000 })
      .toBe('awaiting_approval');
    await expect.poll(() => page.getByTestId('stream-state').textContent()).toBe('live');
    expect(await page.getByTestId('plan-counts').textContent()).toContain('5 to create');
    expect(
      await page.getByTestId('plan-service').evaluateAll((els) => els.map((e) => e.textContent?.trim())),
    ).toEqual(expect.arrayContaining(['create dozzle', 'create traefik']));
    expect(await page.getByTestId('event').count()).toBeGreaterThan(0);
    await screenshot(page, 'stack-awaiting-approval');
    await expectAccessible(page, 'stack (awaiting approval)');
    const linesBefore = await page.getByTestId('log-line').count();

    // Approve: the apply's log lines arrive over the open stream, without a reload, until it ends.
    await page.getByTestId('approve-run').click();
    await expect
      .poll(() => page.getByTestId('log-line').count(), { timeout: 90_000 })
      .toBeGreaterThan(linesBefore);
    await expect
      .poll(() => page.getByTestId('stream-state').textContent(), { timeout: 120_000 })
      .toBe('ended');
    await expect.poll(() => runView.getAttribute('data-status'), { timeout: 15_000 }).toBe('succeeded');
    expect(await page.getByTestId('logs').textContent()).toMatch(/local │ .*create/);
    expect(
      await page
        .getByTestId('step')
        .evaluateAll((els) =>
          els.map((e) => `${(e as HTMLElement).dataset.step}:${(e as HTMLElement).dataset.status}`),
        ),
    ).toEqual(expect.arrayContaining(['approval:succeeded', 'apply:succeeded', 'verify:succeeded']));
    await expect
      .poll(() => page.getByTestId('stack-summary').getByTestId('stack-status').getAttribute('data-status'), {
        timeout: 15_000,
      })
      .toBe('deployed');
    const containers = await docker.listContainers({ filters: { label: [`kombify.stack=${id}`] } });
    expect(containers).toHaveLength(5);

    // The connection drops while the page re-reads (every 5 s): the sections say so in place, the
    // page stays (no error page), and it recovers on its own once the connection is back.
    await page.context().setOffline(true);
    const unreachable = page.getByText('The web server did not answer', { exact: false });
    await unreachable.first().waitFor({ timeout: 30_000 });
    expect(await page.getByText('Something went wrong').count()).toBe(0);
    await page.context().setOffline(false);
    await expect.poll(() => unreachable.count(), { timeout: 30_000 }).toBe(0);
    await expect
      .poll(() => page.getByTestId('stack-summary').getByTestId('stack-status').getAttribute('data-status'))
      .toBe('deployed');
    await screenshot(page, 'stack-deployed');
    await expectAccessible(page, 'stack (deployed)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'stack (dark)');
    await page.emulateMedia({ colorScheme: 'light' });

    // Spec history: save the spec again as version 2, then roll back to version 1 (a new version 3).
    await page.locator('summary', { hasText: 'Edit the current spec' }).click();
    const edit = specEditor(page, 'edit-spec');
    await expect.poll(() => editorText(edit)).toBe(lab.spec);
    await edit.fill(`${lab.spec}# reviewed\n`);
    await expect
      .poll(() => page.getByTestId('spec-status').last().textContent(), { timeout: 15_000 })
      .toContain('Valid');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await expect.poll(() => page.getByTestId('version-row').count(), { timeout: 15_000 }).toBe(2);
    await page.locator('[data-testid="version-row"][data-version="1"]').getByTestId('rollback').click();
    await expect.poll(() => page.getByTestId('version-row').count(), { timeout: 15_000 }).toBe(3);
    expect(await page.locator('[data-testid="version-row"][data-version="3"]').textContent()).toContain(
      'rollback to version 1',
    );
    const v3 = await w.stack.api(`/v1/orchestrator/stacks/${id}/spec`);
    expect(v3.body.data).toMatchObject({ version: 3, source: lab.spec, options: { images: lab.images } });

    // The dashboard shows the stack's state and its run.
    await open('/dashboard');
    const onDashboard = page.locator(`[data-testid="dashboard-stack"][data-stack="${run}-lab"]`);
    await expect
      .poll(() => onDashboard.getByTestId('stack-status').getAttribute('data-status'))
      .toBe('deployed');
    expect(
      await page
        .getByTestId('dashboard-run')
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status)),
    ).toContain('succeeded');
    await screenshot(page, 'dashboard-with-stacks');
    await expectAccessible(page, 'dashboard (stacks)');

    await open('/stacks');
    const row = page.locator(`[data-testid="stack-row"][data-stack="${run}-lab"]`);
    await expect.poll(() => row.getByTestId('stack-status').getAttribute('data-status')).toBe('deployed');
    expect(await row.getByTestId('drift').textContent()).toMatch(/checks off|not checked yet/);
    await screenshot(page, 'stacks');
    await expectAccessible(page, 'stacks');
  }, 400_000);

  it('deploys a stack to a simulation made a deploy target on the simulations page', async () => {
    await open('/simulations');
    await page.locator('[data-testid="template"][data-template="single-node"]').getByRole('radio').check();
    await page.getByLabel('Name', { exact: true }).fill(`${run}-tgt`);
    await page.getByTestId('deploy-target').check();
    await page.getByTestId('create-simulation').click();
    const card = page.locator(`[data-testid="simulation"][data-simulation="${run}-tgt"]`);
    await card.getByTestId('sim-deploy-target').waitFor({ timeout: 120_000 });
    const sim = (await w.stack.api('/api/v1/simulations')).body.data.find(
      (s: any) => s.name === `${run}-tgt`,
    );
    sims.add(sim.id);
    const simWorker = await poll(
      async () =>
        ((await w.stack.api('/v1/orchestrator/workers?per_page=100')).body.data as any[]).find(
          (x) => x.simulation_id === sim.id && x.status === 'online',
        ),
      90_000,
      'the simulated node’s worker online',
    );
    expect(simWorker).toMatchObject({ name: `${run}-tgt-server`, simulated: true, approved: true });

    const lab = await homelab({ name: `${run}-simlab`, variant: 'minimal', image: TEST_IMAGE });
    const id = await createStackOnPage(lab);
    const node = page.locator('[data-testid="stack-node"][data-node="local"]');
    // The simulated worker is offered apart from real machines.
    expect(
      await node
        .locator('optgroup[label^="Simulated nodes"] option')
        .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value)),
    ).toEqual([simWorker.id]);
    await node.getByTestId('bind-select').selectOption(simWorker.id);
    await page.getByTestId('save-bindings').click();
    // Approved for stacks by its simulation when it enrolled: no approval step here.
    await expect
      .poll(() => node.getByTestId('node-binding-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('online');
    await deployOnPage();
    // In the node's own engine, not the host's.
    const target = sim.nodes[0];
    const password = await nodePassword(w.stack, target.id);
    const inNode = await ssh2Exec(
      { port: target.ssh_port, password },
      `docker ps --filter label=kombify.stack=${id} --format '{{.Label "kombify.service"}}'`,
    );
    expect(inNode.stdout.split('\n').filter(Boolean).sort()).toEqual(Object.keys(lab.images).sort());
    expect(await docker.listContainers({ filters: { label: [`kombify.stack=${id}`] } })).toEqual([]);
    await screenshot(page, 'stack-on-simulation');
  }, 400_000);
});

describe('bindings proposed from a simulation', () => {
  it('binds ha-homelab’s managers and workers to an ha-setup simulation: pick, propose, save', async () => {
    const applied = await w.stack.api('/api/v1/templates/ha-setup/apply', {
      body: { simulation_name: `${run}-ha`, deploy_target: true },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const sim = applied.body;
    sims.add(sim.id);
    const byHost = Object.fromEntries(
      (await onlineWorkers(w.stack, sim.id, 5)).map((x: any) => [x.facts.hostname, x.id]),
    );
    const node = (name: string, type: string) =>
      `  - { name: ${name}, type: ${type}, resources: ${type === 'main' ? '{ cpu: 4, memory: 8Gi, disk: 100Gi }' : '{ cpu: 2, memory: 4Gi, disk: 50Gi }'} }\n`;
    const spec = `name: ${run}-ha\nkit: ha-homelab\nvariant: minimal\nnodes:\n${node('w1', 'worker')}${node('m1', 'main')}${node('m2', 'main')}${node('w2', 'worker')}${node('m3', 'main')}services:\n  - { name: dozzle, enabled: false }\n`;
    const created = await w.stack.api('/v1/orchestrator/stacks', { body: { yaml: spec } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    stacks.push(id);

    await open(`/stacks/${id}`);
    await page.getByTestId('propose-simulation').selectOption(sim.id);
    await page.getByTestId('propose-bindings').click();
    await expect.poll(() => page.getByTestId('proposal-note').textContent()).toContain('Proposed 5 bindings');
    // By role, in the template's order: the managers on the first three nodes, whatever the spec's order.
    const expected = { m1: 'lb-1', m2: 'app-1', m3: 'app-2', w1: 'db-primary', w2: 'db-replica' };
    for (const [name, simNode] of Object.entries(expected)) {
      const row = page.locator(`[data-testid="stack-node"][data-node="${name}"]`);
      expect(await row.getByTestId('bind-select').inputValue(), name).toBe(byHost[simNode]);
      expect(await row.getByTestId('proposal-reason').textContent(), name).toContain(simNode);
    }
    await screenshot(page, 'stack-bindings-proposed');
    await page.getByTestId('save-bindings').click();
    // Approved for stacks by their simulation: every node online, nothing else to click.
    for (const name of Object.keys(expected)) {
      const row = page.locator(`[data-testid="stack-node"][data-node="${name}"]`);
      await expect
        .poll(() => row.getByTestId('node-binding-status').getAttribute('data-status'), { timeout: 15_000 })
        .toBe('online');
    }
    const bound = (await w.stack.api(`/v1/orchestrator/stacks/${id}`)).body.data.bindings;
    expect(
      Object.fromEntries(Object.entries(bound).map(([k, v]: [string, any]) => [k, v.worker_id])),
    ).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, byHost[v]])));
    await expectAccessible(page, 'stack with proposed bindings');
  }, 300_000);
});
