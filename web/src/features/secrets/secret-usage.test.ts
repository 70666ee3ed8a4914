import type { SecretMeta, SecretUsage } from '@kombify/proto/api';
import { describe, expect, it } from 'vitest';
import { missingParts, partsText, secretRows, stacksUsing, usedByParts } from './secret-usage.ts';

const meta = (path: string): SecretMeta => ({
  path,
  version: 1,
  updated_at: '2026-12-01T00:00:00.000Z',
  updated_by: 'session:u1',
});
const use = (stack: string, service: string, field = `secret_env.${service.toUpperCase()}`) => ({
  stack_id: `stk_${stack}`,
  stack_name: stack,
  node: 'server',
  service,
  field,
});

describe('stacksUsing', () => {
  it('groups a path’s uses by stack, each service once and sorted, stacks in the edge’s order', () => {
    expect(
      stacksUsing([
        use('blog', 'db'),
        use('shop', 'postgres', 'secret_env.POSTGRES_PASSWORD'),
        use('shop', 'app'),
        use('shop', 'postgres', 'files[0].secret'),
      ]),
    ).toEqual([
      { stack_id: 'stk_blog', stack_name: 'blog', services: ['db'] },
      { stack_id: 'stk_shop', stack_name: 'shop', services: ['app', 'postgres'] },
    ]);
  });

  it('tells two stacks of the same name apart by id', () => {
    const a = use('shop', 'app');
    const b = { ...use('shop', 'web'), stack_id: 'stk_other' };
    expect(stacksUsing([a, b]).map((s) => s.stack_id)).toEqual(['stk_shop', 'stk_other']);
  });
});

describe('secretRows', () => {
  const usage: SecretUsage[] = [
    { path: 'app/missing', used_by: [use('shop', 'app')] },
    { path: 'postgres/password', used_by: [use('shop', 'postgres'), use('shop', 'app')] },
  ];

  it('gives each stored secret its stacks, or none, and adds paths stacks use that are not stored', () => {
    const rows = secretRows([meta('app/token'), meta('postgres/password')], usage);
    expect(rows.map((r) => [r.path, r.meta !== undefined, r.usedBy?.map((s) => s.services)])).toEqual([
      ['app/missing', false, [['app']]],
      ['app/token', true, []],
      ['postgres/password', true, [['app', 'postgres']]],
    ]);
  });

  it('sorts by code unit, as the edge sorts its list', () => {
    const rows = secretRows([meta('B/x'), meta('a/x')], [{ path: 'Z/x', used_by: [use('s', 'x')] }]);
    expect(rows.map((r) => r.path)).toEqual(['B/x', 'Z/x', 'a/x']);
  });

  it('leaves the usage unknown, and adds no rows, when it could not be read', () => {
    const rows = secretRows([meta('postgres/password')], undefined);
    expect(rows).toEqual([{ path: 'postgres/password', meta: meta('postgres/password') }]);
    expect(rows[0]?.usedBy).toBeUndefined();
  });

  it('shows no missing row for a path with an empty use list', () => {
    expect(secretRows([], [{ path: 'a/b', used_by: [] }])).toEqual([]);
  });
});

describe('usedByParts', () => {
  it('names each stack as a link to its page with its services', () => {
    const parts = usedByParts(stacksUsing([use('shop', 'postgres'), use('shop', 'app'), use('blog', 'db')]));
    expect(partsText(parts)).toBe('used by: shop (app, postgres); blog (db)');
    expect(parts.filter((p) => p.href)).toEqual([
      { text: 'shop', href: '/stacks/stk_shop' },
      { text: 'blog', href: '/stacks/stk_blog' },
    ]);
  });

  it('says so when nothing uses it', () => {
    expect(usedByParts([])).toEqual([{ text: 'not used by any stack' }]);
  });

  it('escapes a stack id in its link', () => {
    const parts = usedByParts([{ stack_id: 'a/../b', stack_name: 'x', services: ['s'] }]);
    expect(parts.find((p) => p.href)?.href).toBe('/stacks/a%2F..%2Fb');
  });
});

describe('missingParts', () => {
  const stacks = (...names: string[]) =>
    names.map((n) => ({ stack_id: `stk_${n}`, stack_name: n, services: ['app'] }));

  it('says whose deploys are refused, the stacks as links', () => {
    const parts = missingParts(stacks('shop'));
    expect(partsText(parts)).toBe('missing — deploys of shop will be refused until it is set');
    expect(parts.filter((p) => p.href).map((p) => p.href)).toEqual(['/stacks/stk_shop']);
  });

  it('lists two or more stacks in words', () => {
    expect(partsText(missingParts(stacks('a', 'b')))).toBe(
      'missing — deploys of a and b will be refused until it is set',
    );
    expect(partsText(missingParts(stacks('a', 'b', 'c')))).toBe(
      'missing — deploys of a, b and c will be refused until it is set',
    );
  });
});
