/** secret_rev pins a deploy to its secrets' versions: a rotation changes exactly the services using it. */
import { describe, expect, it } from 'vitest';
import { describeMissing, secretUses, withSecretRevs } from './secret-revs.ts';

const converge = [
  {
    node: 'main',
    params: {
      services: [
        { service: 'postgres', secret_env: { POSTGRES_PASSWORD: 'postgres/password' } },
        {
          service: 'app',
          secret_env: { PGPASSWORD: 'postgres/password' },
          files: [{ path: '/k', secret: 'app/key' }],
        },
        { service: 'web' },
      ],
    },
  },
];

const revs = async (versions: Record<string, number>) =>
  ((await withSecretRevs(converge, new Map(Object.entries(versions))))[0]!.params.services as any[]).map(
    (s) => s.secret_rev,
  );

describe('secret revisions', () => {
  it('lists every reference with the service and field that makes it', () => {
    expect(secretUses(converge)).toEqual([
      { node: 'main', service: 'postgres', field: 'secret_env.POSTGRES_PASSWORD', path: 'postgres/password' },
      { node: 'main', service: 'app', field: 'secret_env.PGPASSWORD', path: 'postgres/password' },
      { node: 'main', service: 'app', field: 'files[0].secret', path: 'app/key' },
    ]);
    expect(describeMissing(secretUses(converge).slice(2))).toBe(
      'service app on node main: files[0].secret uses secret app/key, which is not set',
    );
  });

  it('gives secret-using services a revision that changes only with their own secrets’ versions', async () => {
    const [pg1, app1, web1] = await revs({ 'postgres/password': 1, 'app/key': 1 });
    expect(pg1).toMatch(/^[0-9a-f]{16}$/);
    expect(web1).toBeUndefined();
    const [pg2, app2] = await revs({ 'postgres/password': 1, 'app/key': 2 });
    expect(pg2).toBe(pg1);
    expect(app2).not.toBe(app1);
    const [pg3] = await revs({ 'postgres/password': 2, 'app/key': 2 });
    expect(pg3).not.toBe(pg1);
  });
});
