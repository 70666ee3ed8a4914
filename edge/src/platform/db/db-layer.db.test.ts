/**
 * The database layer against both databases we run on: the embedded PGlite (through the same
 * Neon driver and proxy the edge uses) and a real PostgreSQL server. No skipping: a missing server
 * fails with a message that says how to start it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, startDatabase } from '../../../../scripts/lib/database.ts';
import { ensureOrg } from '../../../../scripts/lib/seed.ts';
import { findApiKeyByHash, insertApiKey } from '../../accounts/api-keys-store.ts';
import { applyStripeEvent, getSubscription, type SubscriptionChange } from '../../billing/store.ts';
import { findJobIndex, insertJobIndex } from '../../jobs/index-store.ts';
import { recentSamples } from '../../workers/samples-store.ts';
import {
  createEnrollmentToken,
  enrollAgent,
  getAgent,
  getEnrollmentToken,
  listAgents,
  recordHeartbeat,
  recordHeartbeats,
  setConnected,
} from '../../workers/store.ts';
import { randomId, sha256Hex } from '../ids.ts';
import { type Db, openDb } from './client.ts';

// Set by the db project's global setup (a PostgreSQL from npm) unless the caller named a server.
const postgresUrl = process.env.KOMBIFY_TEST_POSTGRES_URL;
if (!postgresUrl)
  throw new Error('KOMBIFY_TEST_POSTGRES_URL is not set: run this through the db project (npm test)');

const targets = [
  { name: 'PGlite (embedded)', url: undefined },
  { name: 'PostgreSQL server', url: postgresUrl },
];

describe.each(targets)('database layer on $name', ({ url }) => {
  let database: Database;
  let db: Db;
  let close: () => Promise<void>;
  const orgA = randomId('org');
  const orgB = randomId('org');
  const key = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } as JsonWebKey;

  beforeAll(async () => {
    try {
      database = await startDatabase({ url });
    } catch (error) {
      throw new Error(
        `cannot reach ${url ?? 'the embedded database'}: ${(error as Error).message}. ` +
          'Unset KOMBIFY_TEST_POSTGRES_URL to have the tests start a PostgreSQL from npm, or point it at a running server.',
      );
    }
    await ensureOrg(database.config, { id: orgA, name: 'A', slug: orgA });
    await ensureOrg(database.config, { id: orgB, name: 'B', slug: orgB });
    ({ db, close } = openDb(database.config));
  });

  afterAll(async () => {
    await close?.();
    await database?.close();
  });

  async function token(orgId: string, expiresInMs = 60_000) {
    const id = randomId('enr');
    await createEnrollmentToken(db, {
      id,
      orgId,
      hash: await sha256Hex(id),
      description: null,
      expiresAt: new Date(Date.now() + expiresInMs),
    });
    return id;
  }

  function enroll(tokenId: string, name = 'node') {
    return enrollAgent(db, {
      tokenId,
      agentId: randomId('agt'),
      name,
      publicKeyJwk: key,
      facts: { os: 'linux' },
      agentVersion: '1',
    });
  }

  it('has every migration applied', async () => {
    const res = await db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(res.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['agents', 'api_keys', 'enrollment_tokens', 'jobs', 'orgs']),
    );
  });

  it('lets an enrollment token enroll exactly one agent, even when two race', async () => {
    const id = await token(orgA);
    const results = await Promise.all([enroll(id, 'racer-1'), enroll(id, 'racer-2')]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await enroll(id, 'late')).toBeNull();
  });

  it('does not enroll with an expired token', async () => {
    expect(await enroll(await token(orgA, -1000))).toBeNull();
  });

  it('scopes agents by org and counts them for pagination', async () => {
    const enrolled = await enroll(await token(orgB), 'only-in-b');
    expect(enrolled?.orgId).toBe(orgB);
    const inB = await listAgents(db, orgB, { limit: 10, offset: 0 });
    expect(inB.total).toBe(1);
    expect(inB.rows.map((r) => r.name)).toEqual(['only-in-b']);
    expect(await getAgent(db, orgA, enrolled!.id)).toBeNull();
    expect((await getAgent(db, orgB, enrolled!.id))?.name).toBe('only-in-b');
  });

  it('keeps facts when a heartbeat carries none, and tracks connection', async () => {
    const enrolled = await enroll(await token(orgA), 'facts');
    await recordHeartbeat(db, enrolled!.id, { os: 'linux', cpu_count: 8 }, '2');
    await recordHeartbeat(db, enrolled!.id, null, '');
    await setConnected(db, enrolled!.id, true);
    let row = await getAgent(db, orgA, enrolled!.id);
    expect(row?.facts).toEqual({ os: 'linux', cpu_count: 8 });
    expect(row?.agentVersion).toBe('2');
    expect(row?.connectedAt).toBeInstanceOf(Date);
    await setConnected(db, enrolled!.id, false);
    row = await getAgent(db, orgA, enrolled!.id);
    expect(row?.connectedAt).toBeNull();
  });

  it('keeps heartbeat samples for charts, scoped by org, and says which agent used a token', async () => {
    const tokenId = await token(orgA);
    const enrolled = await enroll(tokenId, 'charts');
    const facts = {
      cpu_count: 4,
      load_average_1m: 2,
      memory_total_bytes: 1000,
      memory_free_bytes: 250,
      disk_total_bytes: 100,
      disk_free_bytes: 90,
    };
    await recordHeartbeat(db, enrolled!.id, facts, '2');
    await recordHeartbeat(db, enrolled!.id, { ...facts, load_average_1m: 4 }, '2');
    await recordHeartbeat(db, enrolled!.id, { os: 'linux' }, '2'); // no usage figures: no sample
    const samples = (await recentSamples(db, orgA, 60)).filter((r) => r.agentId === enrolled!.id);
    expect(samples.map((r) => [r.cpu, r.memory, r.disk])).toEqual([
      [0.5, 0.75, expect.closeTo(0.1, 5)],
      [1, 0.75, expect.closeTo(0.1, 5)],
    ]);
    expect((await recentSamples(db, orgB, 60)).some((r) => r.agentId === enrolled!.id)).toBe(false);
    expect(await getEnrollmentToken(db, orgA, tokenId)).toMatchObject({ usedByAgentId: enrolled!.id });
    expect(await getEnrollmentToken(db, orgB, tokenId)).toBeNull();
  });

  it('records a batch of heartbeats: latest facts per agent, every sample, deleted agents skipped', async () => {
    const a = await enroll(await token(orgA), 'batch-a');
    const b = await enroll(await token(orgA), 'batch-b');
    const usage = {
      cpu_count: 2,
      load_average_1m: 1,
      memory_total_bytes: 100,
      memory_free_bytes: 50,
      disk_total_bytes: 10,
      disk_free_bytes: 5,
    };
    await recordHeartbeats(db, [
      { id: a!.id, facts: { ...usage, os: 'first' }, agentVersion: '3' },
      { id: b!.id, facts: null, agentVersion: '' },
      { id: a!.id, facts: null, agentVersion: '' },
      { id: a!.id, facts: { ...usage, os: 'second', load_average_1m: 2 }, agentVersion: '4' },
      { id: 'agt_deleted_meanwhile', facts: usage, agentVersion: '1' },
    ]);
    const rowA = await getAgent(db, orgA, a!.id);
    expect(rowA?.facts).toMatchObject({ os: 'second' });
    expect(rowA?.agentVersion).toBe('4');
    const rowB = await getAgent(db, orgA, b!.id);
    expect(rowB?.facts).toEqual({ os: 'linux' });
    expect(rowB?.agentVersion).toBe('1');
    expect(rowB?.lastSeenAt).toBeInstanceOf(Date);
    const samples = await recentSamples(db, orgA, 60);
    expect(
      samples
        .filter((r) => r.agentId === a!.id)
        .map((r) => r.cpu)
        .sort(),
    ).toEqual([0.5, 1]);
    expect(samples.some((r) => r.agentId === b!.id)).toBe(false);
  });

  it('indexes a job only for an agent of the same org', async () => {
    const enrolled = await enroll(await token(orgA), 'jobs');
    const jobId = randomId('job');
    expect(
      await insertJobIndex(db, { id: jobId, orgId: orgB, agentId: enrolled!.id, type: 'node.facts' }),
    ).toBeNull();
    expect(
      await insertJobIndex(db, { id: jobId, orgId: orgA, agentId: enrolled!.id, type: 'node.facts' }),
    ).toBe('inserted');
    // A retry of the same submission finds its own row; another worker's id is not taken over.
    expect(
      await insertJobIndex(
        db,
        { id: jobId, orgId: orgA, agentId: enrolled!.id, type: 'node.facts' },
        { ifAbsent: true },
      ),
    ).toBe('present');
    expect(
      await insertJobIndex(
        db,
        { id: jobId, orgId: orgB, agentId: enrolled!.id, type: 'node.facts' },
        { ifAbsent: true },
      ),
    ).toBeNull();
    expect(await findJobIndex(db, orgB, jobId)).toBeNull();
    expect((await findJobIndex(db, orgA, jobId))?.agentId).toBe(enrolled!.id);
  });

  it('finds API keys by hash only', async () => {
    const hash = await sha256Hex(randomId('secret'));
    await insertApiKey(db, {
      id: randomId('key'),
      orgId: orgA,
      name: 'k',
      prefix: 'kfy_abc',
      hash,
      role: 'admin',
    });
    expect((await findApiKeyByHash(db, hash))?.orgId).toBe(orgA);
    expect(await findApiKeyByHash(db, await sha256Hex('other'))).toBeNull();
  });

  it('applies Stripe events to the same subscription whatever order they arrive in', async () => {
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n));
    const changes = (orgId: string): [string, number, SubscriptionChange][] => [
      [
        'customer.subscription.created',
        1,
        { subscriptionId: 'sub_1', plan: 'pro', status: 'active', currentPeriodEnd: at(100) },
      ],
      ['invoice.payment_failed', 2, { status: 'past_due', graceUntil: at(50) }],
      [
        'customer.subscription.updated',
        3,
        { plan: 'enterprise', status: 'past_due', currentPeriodEnd: at(200) },
      ],
      ['invoice.paid', 4, { status: 'active', graceUntil: null }],
      ['customer.updated', 5, { customerId: `cus_${orgId}` }],
      [
        'customer.subscription.deleted',
        6,
        { subscriptionId: 'sub_1', plan: 'free', status: 'canceled', graceUntil: null },
      ],
    ];
    const orders = [
      [0, 1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1, 0],
      [3, 0, 5, 1, 4, 2],
    ];
    const rows = [];
    const customers = [];
    for (const [n, order] of orders.entries()) {
      const orgId = randomId('org');
      await ensureOrg(database.config, { id: orgId, name: 'billing', slug: orgId });
      for (const i of order) {
        const [type, minute, change] = changes(orgId)[i]!;
        const outcome = await applyStripeEvent(
          db,
          { id: `evt_${orgId}_${i}`, type, orgId, at: at(minute) },
          change,
        );
        if (n === 0) expect(outcome).toBe('applied');
      }
      const {
        orgId: _,
        updatedAt: __,
        fieldAt: ___,
        stripeCustomerId,
        ...row
      } = (await getSubscription(db, orgId))!;
      rows.push(row);
      customers.push(stripeCustomerId === `cus_${orgId}`);
    }
    expect(rows[0]).toMatchObject({
      plan: 'free',
      status: 'canceled',
      graceUntil: null,
    });
    expect(customers).toEqual([true, true, true]);
    expect(rows[0]!.currentPeriodEnd).toEqual(at(200));
    expect(rows[1]).toEqual(rows[0]);
    expect(rows[2]).toEqual(rows[0]);
  });
});
