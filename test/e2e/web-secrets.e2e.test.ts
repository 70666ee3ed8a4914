/**
 * Settings → Secrets in real Chromium against the local product (issuer, edge, web): an owner
 * stores a typed value, replaces it, generates one, is stopped at the path field for a bad path
 * (nothing sent, nothing stored) and deletes one behind its confirmation, each checked through the
 * API; the value is in no page, field or cookie. A stack created through the API shows as each
 * secret's "used by", and a path it uses that the store lacks as missing, with "Set it". A member
 * sees the list with the controls off.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, openPage, screenshot } from '../harness/web-checks.ts';
import { startWebStack, type WebStack } from '../harness/web-stack.ts';

const ada = {
  sub: 'u-ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  password: 'correct horse battery',
};
const bob = { sub: 'u-bob', email: 'bob@example.com', name: 'Bob Builder', password: 'bob password 1234' };
const VALUE = `pg-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
const STACK = `usedby-${process.pid.toString(36)}`;
// base-homelab `default` as in secrets-deploy.e2e.test.ts; only created, never deployed (no binding).
const SPEC = `name: ${STACK}
kit: base-homelab
variant: default
nodes:
  - name: server
    type: main
    provider: local
    resources: { cpu: 4, memory: 8Gi, disk: 200Gi }
services:
  - name: postgres
    type: database
    image: postgres:16-alpine
    ports: [{ container: 5432, host: 5432 }]
    environment:
      POSTGRES_DB: app
    environmentSecrets:
      POSTGRES_PASSWORD: secret://postgres/password
  - name: app
    image: kombify/echo-app:1
    needs: [postgres]
    ports: [{ container: 8080, host: 8081 }]
    environmentSecrets:
      PGPASSWORD: secret://postgres/password
      API_KEY: secret://app/missing
`;
let w: WebStack;
let owner: Page;
let stackId: string;

beforeAll(async () => {
  w = await startWebStack({ users: [ada, { ...bob, roles: ['member'] }], plan: 'pro' });
  // One browser context each: `browser.newPage()` makes a fresh context per page.
  owner = await w.signIn(ada);
}, 300_000);

afterAll(async () => {
  await w?.stop();
});

/** The table's rows as [path, version, by], sorted by path. */
async function rows(p: Page): Promise<string[][]> {
  const all = await p
    .getByTestId('secret-row')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
    );
  return all.map((cells) => [cells[0]!, cells[1]!, cells[3]!]).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** What the edge stores, as [path, version] sorted by path, and the answer's raw text. */
async function stored(): Promise<{ list: [string, number][]; raw: string }> {
  const res = await w.stack.api('/v1/orchestrator/secrets');
  expect(res.status).toBe(200);
  const list = res.body.data.map((s: any) => [s.path, s.version] as [string, number]);
  return { list: list.sort((a: any, b: any) => a[0].localeCompare(b[0])), raw: JSON.stringify(res.body) };
}

/** The value is nowhere the browser keeps it: markup and text, any field, a cookie. */
async function valueNowhere(p: Page, value: string) {
  expect(await p.content()).not.toContain(value);
  // content() has attributes, not what a field holds: every field's value too.
  const fields = await p
    .locator('input, textarea')
    .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  expect(fields).not.toContain(value);
  expect(await p.getByTestId('secret-value').inputValue()).toBe('');
  expect(await p.getByTestId('secret-path').inputValue()).toBe('');
  expect(JSON.stringify(await p.context().cookies())).not.toContain(value);
}

const done = (p: Page) => p.getByTestId('secret-done');

/** Each row's "used by" cell by path, stored and missing rows alike. */
async function usedBy(p: Page): Promise<Record<string, string>> {
  const pairs = await p
    .locator('[data-testid="secret-row"], [data-testid="secret-missing-row"]')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.querySelector('td')?.textContent?.trim() ?? '',
        tr.querySelector('[data-testid="secret-used-by"]')?.textContent?.trim() ?? '',
      ]),
    );
  return Object.fromEntries(pairs);
}

/** The missing rows as [path, marker]. */
async function missing(p: Page): Promise<string[][]> {
  return p
    .getByTestId('secret-missing-row')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.querySelector('td')?.textContent?.trim() ?? '',
        tr.querySelector('[data-testid="secret-missing"]')?.textContent?.trim() ?? '',
      ]),
    );
}

const refusedUntilSet = `missing — deploys of ${STACK} will be refused until it is set`;

describe('secrets as an owner', () => {
  it('stores a typed value: listed as version 1, the value shown nowhere, metadata via the API', async () => {
    await openPage(owner, `${w.web.url}/settings`);
    await owner.getByTestId('secrets-empty').waitFor({ timeout: 15_000 });
    expect(await owner.getByTestId('secrets-read-only').count()).toBe(0);
    for (const id of ['secret-path', 'secret-value', 'secret-save', 'secret-generate'])
      expect(await owner.getByTestId(id).isEnabled(), id).toBe(true);

    await owner.getByLabel('Path').fill('postgres/password');
    await owner.getByTestId('secret-value').fill(VALUE);
    await owner.getByTestId('secret-save').click();
    await expect.poll(() => done(owner).textContent(), { timeout: 15_000 }).toBe('Stored postgres/password.');
    await expect.poll(() => rows(owner)).toEqual([['postgres/password', 'v1', 'Ada Lovelace']]);
    await valueNowhere(owner, VALUE);

    const api = await stored();
    expect(api.list).toEqual([['postgres/password', 1]]);
    expect(api.raw).not.toContain(VALUE);
    // A fresh render from the server has no value either.
    await openPage(owner, `${w.web.url}/settings`);
    await expect.poll(() => rows(owner)).toEqual([['postgres/password', 'v1', 'Ada Lovelace']]);
    await valueNowhere(owner, VALUE);
  });

  it('replaces it as version 2 and generates app/token as version 1', async () => {
    await owner.getByRole('button', { name: 'Replace postgres/password' }).click();
    expect(await owner.getByTestId('secret-path').inputValue()).toBe('postgres/password');
    expect(await owner.evaluate(() => document.activeElement?.id)).toBe('secret-value');
    await owner.keyboard.type(`${VALUE}-2`);
    await owner.getByTestId('secret-save').click();
    await expect
      .poll(() => done(owner).textContent(), { timeout: 15_000 })
      .toBe('Replaced postgres/password; it is now version 2.');
    await expect.poll(() => rows(owner)).toEqual([['postgres/password', 'v2', 'Ada Lovelace']]);
    await valueNowhere(owner, `${VALUE}-2`);

    await owner.getByTestId('secret-path').fill('app/token');
    await owner.getByTestId('secret-generate').click();
    await expect
      .poll(() => done(owner).textContent(), { timeout: 15_000 })
      .toBe('Stored a random value as app/token (version 1). It is not shown anywhere.');
    await expect
      .poll(() => rows(owner))
      .toEqual([
        ['app/token', 'v1', 'Ada Lovelace'],
        ['postgres/password', 'v2', 'Ada Lovelace'],
      ]);
    expect((await stored()).list).toEqual([
      ['app/token', 1],
      ['postgres/password', 2],
    ]);
    for (const scheme of ['light', 'dark'] as const) {
      await owner.emulateMedia({ colorScheme: scheme });
      await expectAccessible(owner, `settings with secrets (${scheme})`);
      await screenshot(owner, `settings-secrets-${scheme}`);
    }
    await owner.emulateMedia({ colorScheme: 'light' });
  });

  it('shows a bad path’s problem at the path field, sends nothing and stores nothing', async () => {
    const posts: string[] = [];
    const listen = (req: { method(): string; url(): string }) => {
      if (req.method() === 'POST') posts.push(req.url());
    };
    owner.on('request', listen);
    const path = owner.getByTestId('secret-path');
    const problems = owner.getByTestId('secret-path-problems');
    for (const [bad, button] of [
      ['a/../b', 'secret-save'],
      ['/lead', 'secret-generate'],
    ] as const) {
      await path.fill(bad);
      await owner.getByTestId('secret-value').fill('not-stored-value');
      await owner.getByTestId(button).click();
      await problems.waitFor({ timeout: 5_000 });
      expect(await problems.textContent(), bad).toContain('must be a secret path like postgres/password');
      expect(await path.getAttribute('aria-invalid'), bad).toBe('true');
      expect(await path.getAttribute('aria-describedby'), bad).toBe('secret-path-problems');
      expect(await done(owner).count(), bad).toBe(0);
    }
    // A good path clears the problem as it is typed.
    await path.fill('a/b');
    await problems.waitFor({ state: 'detached' });
    expect(await path.getAttribute('aria-invalid')).toBe('false');
    owner.off('request', listen);
    expect(posts).toEqual([]);
    expect((await stored()).list.map(([p]) => p)).toEqual(['app/token', 'postgres/password']);
    await path.fill('');
    await owner.getByTestId('secret-value').fill('');
  });

  it('shows the stacks using each secret, and a path a stack uses but the store lacks as missing', async () => {
    const created = await w.stack.api('/v1/orchestrator/stacks', { body: { yaml: SPEC } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    stackId = created.body.data.id;
    await openPage(owner, `${w.web.url}/settings`);
    await expect
      .poll(() => usedBy(owner), { timeout: 15_000 })
      .toEqual({
        'app/missing': `used by: ${STACK} (app)`,
        'app/token': 'not used by any stack',
        'postgres/password': `used by: ${STACK} (app, postgres)`,
      });
    // The stored rows are still just the two secrets; the missing path is a row of its own.
    expect(await rows(owner)).toEqual([
      ['app/token', 'v1', 'Ada Lovelace'],
      ['postgres/password', 'v2', 'Ada Lovelace'],
    ]);
    expect(await missing(owner)).toEqual([['app/missing', refusedUntilSet]]);
    const pgRow = owner.getByTestId('secret-row').filter({ hasText: 'postgres/password' });
    const link = pgRow.getByTestId('secret-used-by').getByRole('link', { name: STACK });
    expect(await link.getAttribute('href')).toBe(`/stacks/${stackId}`);
    const missingRow = owner.getByTestId('secret-missing-row');
    expect(await missingRow.getByRole('link', { name: STACK }).first().getAttribute('href')).toBe(
      `/stacks/${stackId}`,
    );
    for (const scheme of ['light', 'dark'] as const) {
      await owner.emulateMedia({ colorScheme: scheme });
      await expectAccessible(owner, `settings with secrets used by a stack (${scheme})`);
    }
    await owner.emulateMedia({ colorScheme: 'light' });
    await screenshot(owner, 'settings-secrets-used-by');

    // "Set it" puts the path into the form, ready for its value; nothing is sent by it.
    await owner.getByRole('button', { name: 'Set it: app/missing' }).click();
    expect(await owner.getByTestId('secret-path').inputValue()).toBe('app/missing');
    expect(await owner.evaluate(() => document.activeElement?.id)).toBe('secret-value');
    expect((await stored()).list.map(([p]) => p)).toEqual(['app/token', 'postgres/password']);
    await owner.getByTestId('secret-path').fill('');

    // The stack's page is where the link goes.
    await link.click();
    await owner.waitForURL(`${w.web.url}/stacks/${stackId}`);
    await owner.getByRole('heading', { name: STACK }).first().waitFor({ timeout: 15_000 });
    await openPage(owner, `${w.web.url}/settings`);
    await expect.poll(() => missing(owner), { timeout: 15_000 }).toEqual([['app/missing', refusedUntilSet]]);
  });

  it('deletes behind the confirmation: Cancel keeps it, Delete secret removes it from list and API', async () => {
    const row = owner.getByTestId('secret-row').filter({ hasText: 'postgres/password' });
    const dialog = row.getByTestId('secret-delete-dialog');
    await row.getByTestId('secret-delete').click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('secret://postgres/password');
    expect(await dialog.textContent()).toContain(`Then it is ${refusedUntilSet}.`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await stored()).list.map(([p]) => p)).toEqual(['app/token', 'postgres/password']);

    await row.getByTestId('secret-delete').click();
    await dialog.getByTestId('secret-delete-confirm').click();
    await expect
      .poll(() => done(owner).textContent(), { timeout: 15_000 })
      .toBe('Deleted postgres/password.');
    await expect.poll(() => rows(owner)).toEqual([['app/token', 'v1', 'Ada Lovelace']]);
    expect((await stored()).list).toEqual([['app/token', 1]]);
    expect((await w.stack.api('/v1/orchestrator/secrets/postgres/password')).status).toBe(404);
    // Still used by the stack, so now it is missing too.
    await expect
      .poll(() => missing(owner))
      .toEqual([
        ['app/missing', refusedUntilSet],
        ['postgres/password', refusedUntilSet],
      ]);
  });
});

describe('secrets as a member', () => {
  it('sees the list, with every write control off and the note saying why', async () => {
    const member = await w.signIn(bob);
    await openPage(member, `${w.web.url}/settings`);
    await expect
      .poll(() => rows(member).then((r) => r.map((c) => c.slice(0, 2))))
      .toEqual([['app/token', 'v1']]);
    const note = member.getByTestId('secrets-read-only');
    expect(await note.textContent()).toContain('Your role is member');
    for (const id of ['secret-path', 'secret-value', 'secret-save', 'secret-generate', 'secret-delete'])
      expect(await member.getByTestId(id).isDisabled(), id).toBe(true);
    expect(await member.getByRole('button', { name: 'Replace app/token' }).isDisabled()).toBe(true);
    // Members see what is missing, but "Set it" is an operator's.
    expect(await missing(member)).toEqual([
      ['app/missing', refusedUntilSet],
      ['postgres/password', refusedUntilSet],
    ]);
    expect(
      await member
        .getByTestId('secret-set-missing')
        .evaluateAll((bs) => bs.map((b) => (b as HTMLButtonElement).disabled)),
    ).toEqual([true, true]);
    // The owner's page, hydrated just as long, still has them on: the role is what turns them off.
    expect(await owner.getByTestId('secret-save').isEnabled()).toBe(true);
    await member.context().close();
  });
});
