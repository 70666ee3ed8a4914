/**
 * Issue 20, agent-facing findings against a real edge with enrolled agents: what reaches a
 * Durable Object before anything is verified (M7), agent token dates (L1).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ConnectError } from '@connectrpc/connect';
import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentClient } from '../../agent/src/edge-client.ts';
import type { Identity } from '../../agent/src/identity.ts';
import { randomSecret } from '../../edge/src/platform/ids.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let a: Identity;
let workerA: string;
/** The per-address budget this edge runs with (UNVERIFIED_PER_IP_PER_MINUTE). */
const BUDGET = 20;
/** How long this edge keeps a finished job's params (JOB_PARAMS_RETENTION_SECONDS). */
const RETENTION_S = 2;

beforeAll(async () => {
  stack = await startStack({
    vars: { UNVERIFIED_PER_IP_PER_MINUTE: String(BUDGET), JOB_PARAMS_RETENTION_SECONDS: String(RETENTION_S) },
  });
  const enrolled = await stack.enrollAgent({ name: 'sec-agent-a' });
  expect(enrolled.code).toBe(0);
  a = JSON.parse(readFileSync(join(enrolled.dataDir, 'identity.json'), 'utf8'));
  const workers = await stack.api('/v1/orchestrator/workers');
  workerA = workers.body.data.find((w: any) => w.name === 'sec-agent-a').id;
});

afterAll(async () => {
  await stack?.stop();
});

const now = () => Math.floor(Date.now() / 1000);

async function agentToken(opts: {
  key: CryptoKey | Uint8Array;
  sub: string;
  iat?: number;
  exp?: number;
  aud?: string;
  alg?: string;
}) {
  return new SignJWT({})
    .setProtectedHeader({ alg: opts.alg ?? 'ES256' })
    .setIssuer(opts.sub)
    .setSubject(opts.sub)
    .setAudience(opts.aud ?? 'kombify:agent-api')
    .setIssuedAt(opts.iat ?? now())
    .setExpirationTime(opts.exp ?? now() + 300)
    .sign(opts.key);
}

/** A unary Connect call (JSON) as an agent makes it, from the given client address. */
async function heartbeat(token: string, ip = '127.0.0.1') {
  const res = await fetch(`${stack.edgeUrl}/kombify.agent.v1.AgentService/Heartbeat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'cf-connecting-ip': ip },
    body: '{}',
  });
  const body = (await res.json()) as { code?: string; message?: string };
  return { status: res.status, ...body };
}

/** How many objects of a Durable Object class have storage under wrangler dev's --persist-to. */
function objectCount(className: string): number {
  const root = join(stack.edgeStateDir, 'v3', 'do');
  const dir = readdirSync(root).find((d) => d.endsWith(`-${className}`));
  if (!dir) return 0;
  return readdirSync(join(root, dir)).filter((f) => f.endsWith('.sqlite')).length;
}

const randomAgentId = () =>
  `agt_${Array.from(crypto.getRandomValues(new Uint8Array(26)), (b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32]).join('')}`;

describe('L1 agent tokens dated in the future', () => {
  it('L1 a token signed with the enrolled key but issued in the future is refused', async () => {
    const key = await importJWK(a.private_key_jwk, 'ES256');
    // Control: the same key, dated now, is accepted.
    expect((await heartbeat(await agentToken({ key, sub: a.agent_id }))).status).toBe(200);
    // Lifetime 100 s, but it starts in 5 minutes: usable for 6+ minutes, past the 600 s cap's intent.
    const ahead = await agentToken({ key, sub: a.agent_id, iat: now() + 300, exp: now() + 400 });
    const res = await heartbeat(ahead);
    expect(res.status).toBe(401);
    expect(res.code).toBe('unauthenticated');
    expect(res.message).toContain('issued in the future');
  });
});

describe('M7 nothing unverified creates Durable Objects without bound', () => {
  it('M7 malformed agent tokens are refused before any AgentObject is touched', async () => {
    const before = objectCount('AgentObject');
    const { privateKey } = await generateKeyPair('ES256');
    const hmac = new TextEncoder().encode('x'.repeat(32));
    const bad = [
      ...Array.from({ length: 8 }, () =>
        agentToken({ key: privateKey, sub: randomAgentId(), aud: 'someone-else' }),
      ),
      ...Array.from({ length: 8 }, () => agentToken({ key: hmac, sub: randomAgentId(), alg: 'HS256' })),
      ...Array.from({ length: 8 }, () =>
        agentToken({ key: privateKey, sub: randomAgentId(), iat: now() - 900, exp: now() - 600 }),
      ),
      ...Array.from({ length: 8 }, () =>
        agentToken({ key: privateKey, sub: randomAgentId(), exp: now() + 86_400 }),
      ),
    ];
    for (const token of await Promise.all(bad)) {
      const res = await heartbeat(token, '198.51.100.1');
      expect(res.status).toBe(401);
    }
    expect(objectCount('AgentObject')).toBe(before);
  });

  it('M7 well-shaped agent tokens for unknown agents reach objects only within the per-address budget', async () => {
    const before = objectCount('AgentObject');
    const { privateKey } = await generateKeyPair('ES256');
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET * 2; i++) {
      statuses.push(
        (await heartbeat(await agentToken({ key: privateKey, sub: randomAgentId() }), '198.51.100.2')).status,
      );
    }
    expect(statuses.filter((s) => s === 429).length).toBe(BUDGET);
    expect(objectCount('AgentObject') - before).toBeLessThanOrEqual(BUDGET);
    // The enrolled agent, accepted before, still gets through from the same address.
    const key = await importJWK(a.private_key_jwk, 'ES256');
    expect((await heartbeat(await agentToken({ key, sub: a.agent_id }), '198.51.100.2')).status).toBe(200);
  });

  it('M7 guessed API keys reach their rate-limit objects only within the per-address budget', async () => {
    const before = objectCount('RateLimiterObject');
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET * 2; i++) {
      const res = await stack.api('/api/me', {
        token: randomSecret('kfy'),
        headers: { 'cf-connecting-ip': '198.51.100.3' },
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 401).length).toBe(BUDGET);
    expect(statuses.filter((s) => s === 429).length).toBe(BUDGET);
    expect(objectCount('RateLimiterObject') - before).toBeLessThanOrEqual(BUDGET);
    // A known key still works from that address, and another address has its own budget.
    const admin = await stack.api('/api/me', { headers: { 'cf-connecting-ip': '198.51.100.3' } });
    expect(admin.status).toBe(200);
    const other = await stack.api('/api/me', {
      token: randomSecret('kfy'),
      headers: { 'cf-connecting-ip': '198.51.100.4' },
    });
    expect(other.status).toBe(401);
  });
});

describe('L5 bodies and job logs have limits', () => {
  it('L5 a JSON body is refused once it passes its cap, before the client has finished sending', async () => {
    // 3 MiB announced, 1.5 MiB sent, then the upload stalls: the old code waited for the whole
    // body before it looked at its size.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${stack.edgeUrl}/api/keys`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${stack.adminToken}`,
            'content-type': 'application/json',
            'content-length': String(3 * 1024 * 1024),
          },
          timeout: 15_000,
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer while the upload stalled')));
      req.on('error', reject);
      req.write(`{"name":"${'a'.repeat(1536 * 1024)}`);
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.details[0].code).toBe('too_large');
  });

  it('L5 a job log stops at its cap, and a finished job takes no more lines under its old lease', async () => {
    const key = await importJWK(a.private_key_jwk, 'ES256');
    const agent = createAgentClient(stack.edgeUrl, () => agentToken({ key, sub: a.agent_id }));
    const submitted = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerA, type: 'node.facts' },
    });
    expect(submitted.status).toBe(201);
    const jobId = submitted.body.data.id as string;
    // The agent's side, by hand: take the job from the stream with its lease.
    const stream = agent.receiveJobs({})[Symbol.asyncIterator]();
    let leaseId = '';
    while (!leaseId) {
      const next = await stream.next();
      if (next.done) throw new Error('the job stream ended');
      if (next.value.event.case === 'job' && next.value.event.value.id === jobId)
        leaseId = next.value.event.value.leaseId;
    }
    const line = 'x'.repeat(16 * 1024);
    let seq = 0;
    // 5 MiB of log in 1 MiB calls: over the 4 MiB a job keeps.
    for (let call = 0; call < 5; call++) {
      const lines = Array.from({ length: 64 }, () => ({ seq: BigInt(++seq), text: line }));
      const stored = await agent.appendLogs({ jobId, leaseId, lines });
      expect(stored.storedThroughSeq).toBe(BigInt(seq));
    }
    await agent.completeJob({ jobId, leaseId, outcome: { case: 'result', value: {} } });
    const late = await agent
      .appendLogs({ jobId, leaseId, lines: [{ seq: BigInt(++seq), text: 'written after the end' }] })
      .then(
        () => null,
        (error) => ConnectError.from(error),
      );
    expect(late?.rawMessage).toMatch(/takes no lines/);
    await stream.return?.();
    const job = await stack.api(`/v1/orchestrator/jobs/${jobId}`);
    const log = job.body.data.log as { text: string; stream: string }[];
    const chars = log.reduce((n, l) => n + l.text.length, 0);
    expect(chars).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(log.at(-1)).toMatchObject({ stream: 'system', text: expect.stringMatching(/log limit reached/) });
    expect(log.some((l) => l.text === 'written after the end')).toBe(false);
  });
});

describe('M5 a worker can be deleted', () => {
  it('M5 DELETE /v1/orchestrator/workers/{id} makes its object forget the key: the agent is refused', async () => {
    const enrolled = await stack.enrollAgent({ name: 'sec-agent-gone' });
    expect(enrolled.code).toBe(0);
    const gone: Identity = JSON.parse(readFileSync(join(enrolled.dataDir, 'identity.json'), 'utf8'));
    const key = await importJWK(gone.private_key_jwk, 'ES256');
    expect((await heartbeat(await agentToken({ key, sub: gone.agent_id }))).status).toBe(200);
    const other = await stack.newTenant('m5-other');
    // Another org cannot delete it (org-scoped, like every lookup).
    expect(
      (await stack.api(`/v1/orchestrator/workers/${gone.agent_id}`, { method: 'DELETE', token: other.token }))
        .status,
    ).toBe(404);
    const deleted = await stack.api(`/v1/orchestrator/workers/${gone.agent_id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const refused = await heartbeat(await agentToken({ key, sub: gone.agent_id }));
    expect(refused.status).toBe(401);
    expect(refused.message).toMatch(/unknown agent/);
    expect((await stack.api(`/v1/orchestrator/workers/${gone.agent_id}`)).status).toBe(404);
  });
});

/** The params of a job as the worker's AgentObject stores them (its SQLite file, read directly). */
function storedParams(jobId: string): string | null {
  const root = join(stack.edgeStateDir, 'v3', 'do');
  const dir = readdirSync(root).find((d) => d.endsWith('-AgentObject'));
  if (!dir) return null;
  for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.sqlite'))) {
    const db = new DatabaseSync(join(root, dir, file), { readOnly: true });
    try {
      const row = db.prepare('select params from jobs where id = ?').get(jobId) as
        | { params: string }
        | undefined;
      if (row) return row.params;
    } catch {
      // An object without the jobs table yet.
    } finally {
      db.close();
    }
  }
  return null;
}

describe('M4 job params are not shown and not kept', () => {
  const secret = 'hunter2-never-shown';
  it('M4 every job view shows only the fields its job type allows', async () => {
    const jobs = [
      {
        type: 'sim.node.create',
        params: {
          simulation_id: 'sim_abc',
          node_id: 'node_abc',
          container: 'kombisim-abc-1',
          network: 'kombisim-abc',
          image: 'kombify/sim-node:test',
          hostname: 'n1',
          ssh_port: 2299,
          cpu: 1,
          memory_mb: 256,
          password: secret,
          agent: { edge_url: 'http://127.0.0.1:8787', enrollment_token: `kfe_${secret}`, worker_name: 'w1' },
        },
        shown: { hostname: 'n1', ssh_port: 2299, agent: { worker_name: 'w1' } },
      },
      {
        type: 'docker.run',
        params: {
          image: 'busybox:1.36',
          name: 'web',
          env: { DB_PASSWORD: secret },
          command: ['sh', '-c', `echo ${secret}`],
        },
        shown: { image: 'busybox:1.36', name: 'web', env: '[redacted]', command: '[redacted]' },
      },
      {
        type: 'tofu.plan',
        params: { stack: 'st', files: { 'main.tf': `# ${secret}\n` }, vars: { token: secret } },
        shown: { stack: 'st', files: '[redacted]', vars: '[redacted]' },
      },
    ];
    for (const job of jobs) {
      const created = await stack.api('/v1/orchestrator/jobs', {
        body: { worker_id: workerA, type: job.type, params: job.params },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(JSON.stringify(created.body)).not.toContain(secret);
      const read = await stack.api(`/v1/orchestrator/jobs/${created.body.data.id}`);
      expect(JSON.stringify(read.body)).not.toContain(secret);
      expect(read.body.data.params).toMatchObject(job.shown);
    }
    const list = await stack.api(`/v1/orchestrator/jobs?worker_id=${workerA}`);
    expect(JSON.stringify(list.body)).not.toContain(secret);
  });

  it("M4 a finished job's params are emptied after the retention period", async () => {
    const key = await importJWK(a.private_key_jwk, 'ES256');
    const agent = createAgentClient(stack.edgeUrl, () => agentToken({ key, sub: a.agent_id }));
    const submitted = await stack.api('/v1/orchestrator/jobs', {
      body: {
        worker_id: workerA,
        type: 'docker.run',
        params: { image: 'busybox:1.36', name: 'kept', env: { TOKEN: secret } },
      },
    });
    const jobId = submitted.body.data.id as string;
    const stream = agent.receiveJobs({})[Symbol.asyncIterator]();
    let leaseId = '';
    while (!leaseId) {
      const next = await stream.next();
      if (next.done) throw new Error('the job stream ended');
      if (next.value.event.case === 'job' && next.value.event.value.id === jobId)
        leaseId = next.value.event.value.leaseId;
    }
    await agent.completeJob({ jobId, leaseId, outcome: { case: 'result', value: {} } });
    await stream.return?.();
    expect(storedParams(jobId)).toContain(secret);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && storedParams(jobId)?.includes(secret))
      await new Promise((r) => setTimeout(r, 250));
    expect(storedParams(jobId)).toBe('{}');
    const job = await stack.api(`/v1/orchestrator/jobs/${jobId}`);
    expect(job.body.data.status).toBe('succeeded');
    expect(job.body.data.events.map((e: any) => e.kind)).toContain('params_purged');
  });
});
