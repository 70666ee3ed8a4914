/**
 * Webhook throughput: 1,000 signed Stripe events (900 distinct + 100 duplicates) for 50 orgs,
 * posted with concurrency 20 to the local Worker (wrangler dev). The final subscriptions are then
 * compared with a second, fresh stack that got the same distinct events one at a time in event
 * order: Stripe delivers at least once and in any order, and the result must not depend on that.
 * Baseline: GET /health at the same concurrency, same count, same run.
 */
import Stripe from 'stripe';
import { openDb } from '../edge/src/platform/db/client.ts';
import { stripeEvents, subscriptions } from '../edge/src/platform/db/schema.ts';
import { useNodeWebSocket } from '../scripts/lib/migrate.ts';
import { ensureOrg } from '../scripts/lib/seed.ts';
import { type Stack, startStack } from '../test/harness/stack.ts';
import { startStripeStandin } from '../test/harness/stripe-standin.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const ORGS = 50;
const PER_ORG = 18;
const DUPLICATES = 100;
const CONCURRENCY = 20;
const SECRET = 'whsec_bench_0123456789abcdefghijklmnop';
const signer = new Stripe('sk_test_bench_signer');

/** Deterministic pseudo-random numbers (mulberry32), so every run posts the same events. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BenchEvent {
  id: string;
  created: number;
  payload: string;
}

/** One org's subscription lifecycle: checkout, created, then updates, payments and failures. */
function lifecycle(org: string, index: number, t0: number, random: () => number): BenchEvent[] {
  const customer = `cus_bench_${index}`;
  const subId = `sub_bench_${index}`;
  const meta = { org_id: org, plan: 'pro' };
  const subscription = (status: string, plan: string, t: number) => ({
    id: subId,
    object: 'subscription',
    customer,
    status,
    metadata: { ...meta, plan },
    items: {
      object: 'list',
      data: [{ id: `si_${index}`, price: { id: `price_${plan}` }, current_period_end: t + 30 * 86400 }],
    },
  });
  const out: BenchEvent[] = [];
  const push = (type: string, object: unknown, t: number) => {
    const id = `evt_bench_${index}_${out.length}`;
    const event = {
      id,
      object: 'event',
      api_version: '2025-01-01',
      type,
      created: t,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null },
      data: { object },
    };
    out.push({ id, created: t, payload: JSON.stringify(event) });
  };
  let t = t0;
  push(
    'checkout.session.completed',
    {
      id: `cs_${index}`,
      object: 'checkout.session',
      client_reference_id: org,
      customer,
      subscription: subId,
      metadata: meta,
    },
    t,
  );
  push('customer.subscription.created', subscription('active', 'pro', t + 1), t + 1);
  t += 2;
  while (out.length < PER_ORG - 1) {
    t += 60;
    const r = random();
    const invoice = {
      id: `in_${index}_${out.length}`,
      object: 'invoice',
      customer,
      metadata: { org_id: org },
    };
    if (r < 0.3) push('invoice.paid', invoice, t);
    else if (r < 0.5) push('invoice.payment_failed', invoice, t);
    else if (r < 0.8)
      push(
        'customer.subscription.updated',
        subscription(random() < 0.8 ? 'active' : 'past_due', random() < 0.5 ? 'pro' : 'enterprise', t),
        t,
      );
    else push('customer.updated', { id: customer, object: 'customer', metadata: { org_id: org } }, t);
  }
  t += 60;
  if (random() < 0.3) push('customer.subscription.deleted', subscription('canceled', 'pro', t), t);
  else
    push(
      'invoice.paid',
      { id: `in_${index}_last`, object: 'invoice', customer, metadata: { org_id: org } },
      t,
    );
  return out;
}

async function post(url: string, e: BenchEvent): Promise<{ ms: number; outcome: string }> {
  const signature = signer.webhooks.generateTestHeaderString({ payload: e.payload, secret: SECRET });
  const t = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: e.payload,
  });
  const body = (await res.json()) as { outcome?: string; handled?: boolean };
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(body)}`);
  return { ms: performance.now() - t, outcome: body.outcome ?? (body.handled ? 'handled' : 'ignored') };
}

/** Runs `work` over the items with `n` in flight at a time; returns wall time in ms. */
async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
  return performance.now() - started;
}

async function seededStack(orgs: string[]) {
  const stripe = await startStripeStandin();
  const stack = await startStack({
    plan: 'free',
    vars: {
      STRIPE_SECRET_KEY: 'sk_test_bench',
      STRIPE_WEBHOOK_SECRET: SECRET,
      STRIPE_API_BASE: stripe.url,
      STRIPE_PRICE_PRO: 'price_pro',
      STRIPE_PRICE_ENTERPRISE: 'price_enterprise',
    },
  });
  for (const org of orgs) await ensureOrg(stack.db.config, { id: org, name: org, slug: org });
  return {
    stack,
    stop: async () => {
      await stack.stop();
      await stripe.stop();
    },
  };
}

/** The subscriptions (without bookkeeping times) and the processed event ids, as comparable text. */
async function finalState(stack: Stack) {
  useNodeWebSocket();
  const { db, close } = openDb(stack.db.config);
  try {
    const subs = await db.select().from(subscriptions).orderBy(subscriptions.orgId);
    const events = await db.select({ id: stripeEvents.id }).from(stripeEvents).orderBy(stripeEvents.id);
    return {
      subs: new Map(subs.map(({ updatedAt: _, ...s }) => [s.orgId, JSON.stringify(s)])),
      events: events.map((e) => e.id).join(','),
    };
  } finally {
    await close();
  }
}

export const webhooks: Benchmark = {
  name: 'webhooks',
  description:
    'Stripe webhook throughput (1,000 signed events, 10% duplicates, concurrency 20) and final state vs serial',
  async run() {
    const random = rng(7);
    const t0 = Math.floor(Date.now() / 1000) - 86_400;
    const orgs = Array.from({ length: ORGS }, (_, i) => `org_whbench_${i}`);
    const perOrg = orgs.map((org, i) => lifecycle(org, i, t0, random));
    // Arrival order: the orgs' events interleaved in time, then shuffled within windows of 40
    // (Stripe sends in roughly, not exactly, the order things happened), plus 100 redeliveries.
    const distinct = perOrg.flat().sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
    const arrivals = [...distinct];
    for (let start = 0; start < arrivals.length; start += 40) {
      for (let i = Math.min(start + 39, arrivals.length - 1); i > start; i--) {
        const j = start + Math.floor(random() * (i - start + 1));
        [arrivals[i], arrivals[j]] = [arrivals[j]!, arrivals[i]!];
      }
    }
    for (let d = 0; d < DUPLICATES; d++) {
      const original = distinct[Math.floor(random() * distinct.length)]!;
      arrivals.splice(Math.floor(random() * (arrivals.length + 1)), 0, original);
    }

    const concurrent = await seededStack(orgs);
    let health: number[] = [];
    let healthMs = 0;
    const latencies: number[] = [];
    const outcomes: Record<string, number> = {};
    let wallMs = 0;
    let concurrentState: Awaited<ReturnType<typeof finalState>>;
    try {
      const url = `${concurrent.stack.edgeUrl}/api/billing/webhook`;
      const healthUrl = `${concurrent.stack.edgeUrl}/health`;
      // Warm-up: the Worker, its database path and the health route, with events of another org.
      await ensureOrg(concurrent.stack.db.config, {
        id: 'org_whbench_warm',
        name: 'warm',
        slug: 'org_whbench_warm',
      });
      const warm = lifecycle('org_whbench_warm', 999, t0, rng(1));
      await pool(warm, 4, async (e) => void (await post(url, e)));
      await pool(
        Array.from({ length: 100 }),
        CONCURRENCY,
        async () => void (await (await fetch(healthUrl)).arrayBuffer()),
      );

      healthMs = await pool(Array.from({ length: arrivals.length }), CONCURRENCY, async () => {
        const t = performance.now();
        const res = await fetch(healthUrl);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`health answered ${res.status}`);
        health.push(performance.now() - t);
      });
      wallMs = await pool(arrivals, CONCURRENCY, async (e) => {
        const { ms, outcome } = await post(url, e);
        latencies.push(ms);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      });
      concurrentState = await finalState(concurrent.stack);
    } finally {
      await concurrent.stop();
    }

    // The reference: a fresh stack, each distinct event once, one at a time, in event order.
    const serial = await seededStack(orgs);
    let serialState: Awaited<ReturnType<typeof finalState>>;
    let serialMs = 0;
    try {
      const url = `${serial.stack.edgeUrl}/api/billing/webhook`;
      serialMs = await pool(distinct, 1, async (e) => void (await post(url, e)));
      serialState = await finalState(serial.stack);
    } finally {
      await serial.stop();
    }

    const mismatched = orgs.filter((o) => concurrentState.subs.get(o) !== serialState.subs.get(o));
    const sameEvents =
      concurrentState.events.replace(/(^|,)evt_bench_999_\d+/g, '').replace(/^,/, '') === serialState.events;
    health = health.length ? health : [0];
    const eventsPerS = arrivals.length / (wallMs / 1000);
    const healthPerS = arrivals.length / (healthMs / 1000);
    const row = (
      c: string,
      metric: string,
      value: number,
      bm: string | null,
      b: number | null,
      samples: number,
    ): BenchCase => ({
      case: c,
      metric,
      value: round(value),
      baseline_metric: bm,
      baseline: b === null ? null : round(b),
      ratio: b === null || b === 0 ? null : round(value / b, 3),
      target: null,
      samples,
    });
    const cases: BenchCase[] = [
      row('concurrency=20', 'events_per_s', eventsPerS, 'health_requests_per_s', healthPerS, arrivals.length),
      row(
        'concurrency=20',
        'p50_ms',
        percentile(latencies, 50),
        'health_p50_ms',
        percentile(health, 50),
        latencies.length,
      ),
      row(
        'concurrency=20',
        'p99_ms',
        percentile(latencies, 99),
        'health_p99_ms',
        percentile(health, 99),
        latencies.length,
      ),
      row('serial', 'events_per_s', distinct.length / (serialMs / 1000), null, null, distinct.length),
      {
        ...row('concurrency=20 vs serial', 'state_mismatched_orgs', mismatched.length, null, null, ORGS),
        target: 1,
      },
    ];
    if (mismatched.length) {
      const o = mismatched[0]!;
      process.stdout.write(
        `first mismatch ${o}:\n  concurrent ${concurrentState.subs.get(o)}\n  serial     ${serialState.subs.get(o)}\n`,
      );
    }
    return {
      notes: `wrangler dev (workerd) + embedded PGlite; ${arrivals.length} events (${distinct.length} distinct + ${DUPLICATES} redeliveries) for ${ORGS} orgs, shuffled within windows of 40, posted by ${CONCURRENCY} keep-alive clients; outcomes ${JSON.stringify(outcomes)}; final subscriptions equal to a serial, in-order, once-each run on a fresh stack for ${ORGS - mismatched.length}/${ORGS} orgs; processed event ids ${sameEvents ? 'equal' : 'DIFFERENT'}; target for state_mismatched_orgs: 0 (shown as < 1)`,
      cases,
    };
  },
};
