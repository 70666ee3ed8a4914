/**
 * The web app in real Chromium against the whole local product (issuer, edge, web, a real agent,
 * the Stripe stand-in): sign-in, adding a node, upgrading through Checkout, an admin creating a
 * feature flag, an admin impersonating a user (the banner on every page, ended by its button), the
 * admin billing overview with seeded numbers, keyboard-only use, axe-core on every main page, and a
 * screenshot of each.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../edge/src/platform/db/client.ts';
import { orgs, stripeEvents, subscriptions } from '../../edge/src/platform/db/schema.ts';
import { useNodeWebSocket } from '../../scripts/lib/migrate.ts';
import { setMemberRoleByEmail } from '../../scripts/lib/seed.ts';
import { expectAccessible, openPage, screenshot } from '../harness/web-checks.ts';
import { startWebStack, type WebStack } from '../harness/web-stack.ts';

const ada = {
  sub: 'u-ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  password: 'correct horse battery',
};
const bob = { sub: 'u-bob', email: 'bob@example.com', name: 'Bob Builder', password: 'bob password 1234' };
let w: WebStack;
let page: Page;

beforeAll(async () => {
  w = await startWebStack({ users: [ada, { ...bob, roles: ['member'] }], plan: 'free' });
});

afterAll(async () => {
  await w?.stop();
});

const open = (p: Page, path: string) => openPage(p, `${w.web.url}${path}`);

/** Waits until the page's loading states are gone (sections that fail say so, checked after). */
async function settled(p: Page) {
  await p
    .locator('.loading')
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 })
    .catch(() => {});
}

/** Presses Tab until the focused element matches, as a keyboard user would; fails after `max`. */
async function tabTo(p: Page, matches: (el: Element) => boolean, max = 80) {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press('Tab');
    if (await p.evaluate(`(${matches.toString()})(document.activeElement)`)) return;
  }
  throw new Error('never reached the element with Tab');
}

describe('signed out', () => {
  it('public pages render, pass axe, and app pages send visitors to sign in', async () => {
    const p = await w.browser.newPage();
    for (const [path, name, heading] of [
      ['/', 'landing', /homelab/i],
      ['/features', 'features', /What kombify does/],
      ['/pricing', 'pricing', /Pricing/],
    ] as const) {
      await open(p, path);
      await expect.poll(() => p.locator('h1').textContent()).toMatch(heading);
      expect(await p.locator('header.site-header').getByRole('link', { name: 'Sign in' }).count()).toBe(1);
      await screenshot(p, name);
      await expectAccessible(p, name);
    }
    // Pricing shows the edge's plan table.
    await open(p, `/pricing`);
    await expect.poll(() => p.getByTestId('plan-pro').getByTestId('limit-nodes').textContent()).toBe('25');
    await p.emulateMedia({ colorScheme: 'dark' });
    await open(p, `/`);
    await expectAccessible(p, 'landing (dark)');
    await p.emulateMedia({ colorScheme: 'light' });
    await open(p, `/billing`);
    await p.waitForURL(/\/signin\?return_to=%2Fbilling/);
    await screenshot(p, 'signin');
    await expectAccessible(p, 'signin');
    await p.close();
  }, 240_000);
});

describe('signed in', () => {
  it('signs in through the OpenID issuer and lands on the dashboard', async () => {
    page = await w.signIn(ada);
    await expect.poll(() => page.getByTestId('user-chip').textContent()).toContain('Ada Lovelace');
    await page.getByTestId('nodes-empty').waitFor();
    // The browser holds only the edge's HttpOnly session cookie, on the web app's origin.
    const cookies = await page.context().cookies(w.web.url);
    expect(cookies.find((c) => c.name === 'kfy_session')?.httpOnly).toBe(true);
  });

  it('public pages offer the dashboard once signed in: rendered, and after a navigation in the browser', async () => {
    const header = page.locator('header.site-header');
    await open(page, `/`);
    expect(await header.getByRole('link', { name: 'Dashboard' }).count()).toBe(1);
    expect(await header.getByRole('link', { name: 'Sign in' }).count()).toBe(0);
    // From an app page (no public header yet), the landing page asks in the browser: GET /api/me.
    await open(page, `/dashboard`);
    const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/me');
    await page.locator('a.brand').click();
    expect((await asked).status()).toBe(200);
    await page.waitForURL(`${w.web.url}/`);
    await expect.poll(() => header.getByRole('link', { name: 'Dashboard' }).count()).toBe(1);
  });

  it('adds a node: the one-liner, then the enrolled agent appears live with its charts', async () => {
    await open(page, `/nodes/add`);
    const command = page.getByTestId('install-command');
    await command.waitFor();
    const line = await command.inputValue();
    expect(line).toMatch(new RegExp(`^curl -fsSL ${w.stack.edgeUrl}/install.sh \\| sh -s -- --token kfe_`));
    await page.getByTestId('waiting').waitFor();
    const token = /--token (\S+)/.exec(line)![1]!;
    const enrolled = await w.stack.enrollAgent({ name: 'web-node-1', token });
    expect(enrolled.code, enrolled.stderr).toBe(0);
    w.stack.startAgent(enrolled.dataDir);
    const card = page.getByTestId('enrolled').getByTestId('node-card');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getAttribute('data-node')).toBe('web-node-1');
    await expect
      .poll(() => card.getByTestId('node-status').textContent(), { timeout: 30_000 })
      .toContain('online');

    await open(page, `/dashboard`);
    const node = page.locator('[data-testid="node-card"][data-node="web-node-1"]');
    await node.waitFor();
    // Heartbeats every 2 s in this stack: the charts fill in without a reload.
    await expect
      .poll(() => node.getByTestId('spark-memory').locator('.spark-value').textContent(), { timeout: 30_000 })
      .toMatch(/^\d+%$/);
    await expect.poll(() => page.getByTestId('nodes-online').textContent()).toBe('1');
  });

  it('upgrades through Stripe Checkout and sees the new limits after the webhook', async () => {
    await open(page, `/billing`);
    await expect.poll(() => page.getByTestId('current-plan').textContent()).toBe('free');
    expect(await page.getByTestId('usage-limit').textContent()).toBe('2');
    await page.getByTestId('upgrade-pro').click();
    await page.waitForURL(new RegExp(`^${w.stripe.url}/checkout/cs_`));
    const session = w.stripe.requests.find((r) => r.path === '/v1/checkout/sessions')!.body;
    expect(session).toMatchObject({ success_url: `${w.web.url}/billing?checkout=success` });
    // Stripe tells the edge (signed webhook) and sends the buyer back.
    const status = await w.webhook({
      id: 'evt_web_1',
      object: 'event',
      api_version: '2025-01-01',
      type: 'checkout.session.completed',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null },
      data: {
        object: {
          id: 'cs_web_1',
          object: 'checkout.session',
          client_reference_id: w.stack.orgId,
          customer: session.customer,
          subscription: 'sub_web_1',
          metadata: { org_id: w.stack.orgId, plan: 'pro' },
        },
      },
    });
    expect(status).toBe(200);
    await open(page, `/billing?checkout=success`);
    await page.getByTestId('checkout-returned').waitFor();
    await expect.poll(() => page.getByTestId('current-plan').textContent(), { timeout: 15_000 }).toBe('pro');
    expect(await page.getByTestId('usage-limit').textContent()).toBe('25');
  });

  it('keyboard only: skip link, navigation, and creating an API key that is shown once', async () => {
    await open(page, `/dashboard`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await open(page, `/dashboard`);
    await tabTo(page, (el) => el.textContent === 'Settings' && el.tagName === 'A');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${w.web.url}/settings`);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await tabTo(page, (el) => el.id === 'key-name');
    await page.keyboard.type('ci-deploy');
    await page.keyboard.press('Enter');
    const key = page.getByTestId('new-key-value');
    await key.waitFor();
    expect(await key.inputValue()).toMatch(/^kfy_/);
    await expect.poll(() => page.getByTestId('key-row').filter({ hasText: 'ci-deploy' }).count()).toBe(1);
    // Shown once: a reload lists the key by prefix only.
    await page.reload();
    await page.getByTestId('key-row').first().waitFor();
    expect(await page.getByTestId('new-key').count()).toBe(0);
  });

  it('an admin creates a feature flag, by keyboard', async () => {
    expect(await setMemberRoleByEmail(w.stack.db.config, w.stack.orgId, ada.email, 'platform-admin')).toBe(
      true,
    );
    await open(page, `/admin/flags`);
    await page.getByTestId('flags-empty').waitFor();
    await tabTo(page, (el) => el.id === 'flag-key');
    await page.keyboard.type('new-dashboard');
    await page.keyboard.press('Tab');
    await page.keyboard.type('The redesigned dashboard');
    await tabTo(page, (el) => (el as HTMLInputElement).name === 'enabled');
    await page.keyboard.press('Space');
    await tabTo(page, (el) => el.getAttribute('data-testid') === 'create-flag');
    await page.keyboard.press('Enter');
    const row = page.locator('[data-testid="flag-row"][data-flag="new-dashboard"]');
    await row.waitFor();
    expect(await row.locator('input[type="checkbox"]').isChecked()).toBe(true);
    const flag = await w.stack.api('/api/v1/feature-flags/new-dashboard');
    expect(flag.body.data).toMatchObject({ enabled: true, description: 'The redesigned dashboard' });
    await open(page, `/admin/audit`);
    await expect
      .poll(() => page.getByTestId('audit-row').filter({ hasText: 'feature_flag.create' }).count())
      .toBe(1);
  });

  it('an admin impersonates a user: confirmation, the banner on every page, ended by its button', async () => {
    // Bob exists once he has signed in.
    const bobPage = await w.signIn(bob);
    await bobPage.close();
    await open(page, `/admin/users?q=bob`);
    const row = page.locator('[data-testid="user-row"][data-user="bob@example.com"]');
    await row.waitFor();
    expect(await page.getByTestId('user-row').count()).toBe(1);
    await screenshot(page, 'admin-users');
    await expectAccessible(page, 'admin-users');
    await row.getByTestId('user-link').click();
    await expect
      .poll(() => page.getByTestId('user-name').textContent(), { timeout: 15_000 })
      .toContain('Bob Builder');
    await screenshot(page, 'admin-user');
    await expectAccessible(page, 'admin-user');
    // Asks first, and Escape backs out without starting anything.
    await page.getByTestId('impersonate').click();
    const dialog = page.getByTestId('impersonate-dialog');
    await dialog.waitFor();
    await expectAccessible(page, 'admin-user (confirm dialog)');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('impersonation-banner').count()).toBe(0);
    await page.getByTestId('impersonate').click();
    await page.getByTestId('impersonate-confirm').click();
    await page.waitForURL(`${w.web.url}/dashboard`);
    await page.locator('body[data-ready="true"]').waitFor();
    const banner = page.getByTestId('impersonation-banner');
    await banner.waitFor();
    expect(await banner.getByTestId('impersonated-user').textContent()).toBe('Bob Builder');
    expect(await banner.getByTestId('impersonation-left').textContent()).toMatch(/^\d+ min$/);
    expect(await page.getByTestId('user-chip').textContent()).toContain('Bob Builder');
    await screenshot(page, 'impersonation-dashboard');
    await expectAccessible(page, 'impersonation banner');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'impersonation banner (dark)');
    await page.emulateMedia({ colorScheme: 'light' });
    // On every page, and Bob (a member) sees no admin navigation.
    await open(page, `/settings`);
    await banner.waitFor();
    expect(await page.locator('nav[aria-label="Main"] a', { hasText: 'Admin' }).count()).toBe(0);
    await banner.getByTestId('end-impersonation').click();
    await page.waitForURL(`${w.web.url}/admin/users`);
    await page.locator('body[data-ready="true"]').waitFor();
    await expect.poll(() => page.getByTestId('user-chip').textContent()).toContain('Ada Lovelace');
    expect(await page.getByTestId('impersonation-banner').count()).toBe(0);
    await open(page, `/admin/audit`);
    for (const action of ['user.impersonate', 'user.impersonate.end']) {
      await expect
        .poll(() => page.getByTestId('audit-row').getByText(action, { exact: true }).count())
        .toBe(1);
    }
  });

  it('the admin billing overview shows the seeded subscriptions, MRR, failed payments and grace', async () => {
    const day = 86_400_000;
    const now = Date.now();
    useNodeWebSocket();
    const { db, close } = openDb(w.stack.db.config);
    try {
      for (const [id, plan, status, graceUntil] of [
        ['wb_pro', 'pro', 'active', null],
        ['wb_ent', 'enterprise', 'active', null],
        ['wb_grace', 'pro', 'past_due', new Date(now + 3 * day)],
      ] as const) {
        await db.insert(orgs).values({ id: `org_${id}`, name: `Org ${id}`, slug: `org_${id}` });
        await db.insert(subscriptions).values({ orgId: `org_${id}`, plan, status, graceUntil });
      }
      await db.insert(stripeEvents).values({
        id: 'evt_wb_failed',
        type: 'invoice.payment_failed',
        orgId: 'org_wb_grace',
        receivedAt: new Date(now - 1000),
      });
    } finally {
      await close();
    }
    const overview = (await w.stack.api('/api/v1/billing/overview')).body.data;
    // The test org is on pro after the Checkout test: two pro and one enterprise paying.
    expect(overview.mrr.amount_cents).toBe(2 * 2900 + 49900);
    await open(page, `/admin/billing`);
    await expect.poll(() => page.getByTestId('mrr').textContent()).toBe('$557.00');
    expect(await page.getByTestId('mrr-at-risk').textContent()).toBe('$29.00');
    expect(await page.getByTestId('subscriptions-total').textContent()).toBe(
      String(overview.subscriptions.total),
    );
    expect(await page.getByTestId('failed-count').textContent()).toBe('1');
    expect(
      await page
        .locator('[data-testid="plan-row"][data-plan="enterprise"] [data-testid="plan-count"]')
        .textContent(),
    ).toBe('1');
    await page.locator('[data-testid="grace-row"][data-org="org_wb_grace"]').waitFor();
    expect(await page.getByTestId('failed-row').filter({ hasText: 'evt_wb_failed' }).count()).toBe(1);
    await page.locator('[data-testid="subscription-row"][data-org="org_wb_ent"]').waitFor();
    await settled(page);
    await screenshot(page, 'admin-billing');
    await expectAccessible(page, 'admin-billing');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'admin-billing (dark)');
    await screenshot(page, 'admin-billing-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('every main page renders without breakage and passes axe-core', async () => {
    for (const [path, name] of [
      ['/dashboard', 'dashboard'],
      ['/nodes/add', 'add-node'],
      ['/stackkits', 'stackkits'],
      ['/billing', 'billing'],
      ['/settings', 'settings'],
      ['/tools', 'tools'],
      ['/admin', 'admin-catalog'],
      ['/admin/flags', 'admin-flags'],
      ['/admin/audit', 'admin-audit'],
    ] as const) {
      await open(page, path);
      await settled(page);
      await expect.poll(() => page.locator('[data-testid="problem"]').count(), { timeout: 5000 }).toBe(0);
      await screenshot(page, name);
      await expectAccessible(page, name);
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await open(page, `/dashboard`);
    await expectAccessible(page, 'dashboard (dark)');
    await screenshot(page, 'dashboard-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('signs out: the session ends and app pages ask to sign in again', async () => {
    await open(page, `/dashboard`);
    await page.getByTestId('sign-out').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/dashboard'));
    await open(page, `/dashboard`);
    await page.waitForURL(/\/signin/);
  });
});
