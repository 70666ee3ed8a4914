/**
 * A real local kombify for end-to-end tests: a database (embedded PGlite, or the Postgres in
 * KOMBIFY_TEST_POSTGRES_URL), the edge under `wrangler dev`, an org with an admin API key, and
 * real agent processes. Nothing here is a stand-in for our own components.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { unrestrictedPolicy } from '../../agent/src/policy/policy.ts';
import { type Database, startDatabase } from '../../scripts/lib/database.ts';
import { type EdgeProcess, startEdge } from '../../scripts/lib/edge-process.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { createApiKey, ensureOrg, setPlan } from '../../scripts/lib/seed.ts';
import { repoRoot } from '../../scripts/lib/service.ts';

export interface AgentProcess {
  dataDir: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Waits until the agent has logged a line matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface Stack {
  edgeUrl: string;
  db: Database;
  orgId: string;
  adminToken: string;
  edge: EdgeProcess;
  /** Where the edge keeps Durable Object storage (wrangler dev --persist-to). */
  edgeStateDir: string;
  api(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
  enrollmentToken(ttlSeconds?: number): Promise<string>;
  enrollAgent(opts?: {
    name?: string;
    dataDir?: string;
    token?: string;
  }): Promise<{ dataDir: string; code: number | null; stdout: string; stderr: string }>;
  startAgent(dataDir: string, env?: Record<string, string>): AgentProcess;
  /** Enrolls a fresh agent, starts it and waits until its worker is online. */
  onlineAgent(name: string, env?: Record<string, string>): Promise<{ agent: AgentProcess; workerId: string }>;
  waitForWorker(id: string, status: 'online' | 'offline', timeoutMs?: number): Promise<any>;
  waitForJob(id: string, statuses: string[], timeoutMs?: number): Promise<any>;
  restartEdge(): Promise<void>;
  newTenant(slug: string): Promise<{ orgId: string; token: string }>;
  stop(): Promise<void>;
}

const agentBin = join(repoRoot, 'agent/bin/kombify-agent.js');

export async function poll<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function startStack(
  opts: {
    vars?: Record<string, string>;
    postgresUrl?: string;
    port?: number;
    /** The test org's plan; enterprise (no practical limits) unless a test is about limits. */
    plan?: 'free' | 'pro' | 'enterprise';
    /** The test org's id (an issuer's org claim can then put signed-in users in it); random if absent. */
    orgId?: string;
  } = {},
): Promise<Stack> {
  const scratch = mkdtempSync(join(tmpdir(), 'kombify-e2e-'));
  const db = await startDatabase({ url: opts.postgresUrl });
  const orgId = opts.orgId ?? `org_${Math.random().toString(36).slice(2, 10)}`;
  await ensureOrg(db.config, { id: orgId, name: 'Test org', slug: orgId });
  if (opts.plan !== 'free') await setPlan(db.config, orgId, opts.plan ?? 'enterprise');
  const adminToken = await createApiKey(db.config, { orgId, name: 'test admin', role: 'platform-admin' });
  const port = opts.port ?? (await freePort());
  const edgeOptions = {
    port,
    persistTo: join(scratch, 'edge-state'),
    vars: {
      DATABASE_URL: db.config.databaseUrl,
      ...(db.config.wsProxy ? { DATABASE_WS_PROXY: db.config.wsProxy } : {}),
      // Tests never reach outside services by accident: discovery points at a closed port unless a
      // test gives it a stand-in.
      DISCOVERY_NPM_REGISTRY: 'http://127.0.0.1:9',
      DISCOVERY_GITHUB_API: 'http://127.0.0.1:9',
      // The OpenTofu state backend's secrets, fresh for each stack.
      TOFU_STATE_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      TOFU_STATE_CREDENTIAL_SECRET: randomBytes(32).toString('base64url'),
      // The secret store's master key, fresh for each stack (kept across restartEdge).
      SECRETS_MASTER_KEY: randomBytes(32).toString('base64url'),
      ...opts.vars,
    },
  };
  let edge = await startEdge(edgeOptions);
  const agents: AgentProcess[] = [];

  const api: Stack['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? adminToken : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${edge.url}${path}`, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed };
  };

  const stack: Stack = {
    get edgeUrl() {
      return edge.url;
    },
    get edge() {
      return edge;
    },
    db,
    orgId,
    adminToken,
    edgeStateDir: edgeOptions.persistTo,
    api,
    async enrollmentToken(ttlSeconds) {
      const res = await api('/v1/orchestrator/enrollment-tokens', {
        body: ttlSeconds ? { ttl_seconds: ttlSeconds } : {},
      });
      if (res.status !== 201) {
        throw new Error(
          `enrollment token: ${res.status} ${JSON.stringify(res.body)}\n${edge.output().slice(-3000)}`,
        );
      }
      return res.body.data.token as string;
    },
    async enrollAgent(o = {}) {
      const dataDir = o.dataDir ?? mkdtempSync(join(scratch, 'agent-'));
      const token = o.token ?? (await stack.enrollmentToken());
      const args = [agentBin, 'enroll', '--edge', edge.url, '--token', token, '--data-dir', dataDir];
      if (o.name) args.push('--name', o.name);
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { dataDir, code, stdout, stderr };
    },
    startAgent(dataDir, env = {}) {
      // The suites send raw jobs of every kind (docker.run, tofu.*, binds of scratch paths) to
      // agents the test owns: their policy allows all of it. What a real node's default refuses is
      // tested in agent/src/policy and the security project.
      const policy = join(dataDir, 'policy.json');
      if (!existsSync(policy)) writeFileSync(policy, JSON.stringify(unrestrictedPolicy()));
      const child = spawn(process.execPath, [agentBin, 'run', '--data-dir', dataDir], {
        env: {
          ...process.env,
          KOMBIFY_AGENT_POLICY: policy,
          KOMBIFY_AGENT_BACKOFF_CAP_MS: '1000',
          KOMBIFY_EDGE_URL: edge.url,
          // Stack files under the test's scratch dir; secret files on a tmpfs of their own.
          KOMBIFY_STACKS_DIR: join(dataDir, 'stacks'),
          KOMBIFY_SECRETS_DIR: join('/dev/shm', `kombify-secrets-${basename(dataDir)}`),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const listeners = new Set<() => void>();
      const collect = (c: Buffer) => {
        output += c.toString();
        for (const l of listeners) l();
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let done = false;
      void exited.then(() => {
        done = true;
      });
      const agent: AgentProcess = {
        dataDir,
        child,
        exited,
        output: () => output,
        waitFor: (pattern, timeoutMs = 20_000) =>
          new Promise((resolve, reject) => {
            const check = () => {
              if (pattern.test(output)) {
                listeners.delete(check);
                clearTimeout(timer);
                resolve();
              }
            };
            const timer = setTimeout(() => {
              listeners.delete(check);
              reject(
                new Error(
                  `agent did not log ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-3000)}`,
                ),
              );
            }, timeoutMs);
            listeners.add(check);
            check();
          }),
        async stop() {
          if (done) return;
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(t);
        },
        async kill() {
          if (done) return;
          child.kill('SIGKILL');
          await exited;
        },
      };
      agents.push(agent);
      return agent;
    },
    async onlineAgent(name, env) {
      const enrolled = await stack.enrollAgent({ name });
      if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.stderr}`);
      const agent = stack.startAgent(enrolled.dataDir, env);
      const workers = await poll(
        async () => {
          const res = await api('/v1/orchestrator/workers?per_page=100');
          return res.body.data?.find((w: any) => w.name === name && w.status === 'online');
        },
        20_000,
        `worker ${name} online`,
      );
      return { agent, workerId: workers.id };
    },
    waitForWorker(id, status, timeoutMs = 20_000) {
      return poll(
        async () => {
          const res = await api(`/v1/orchestrator/workers/${id}`);
          return res.body.data?.status === status ? res.body.data : null;
        },
        timeoutMs,
        `worker ${id} ${status}`,
      );
    },
    waitForJob(id, statuses, timeoutMs = 20_000) {
      return poll(
        async () => {
          const res = await api(`/v1/orchestrator/jobs/${id}`);
          return statuses.includes(res.body.data?.status) ? res.body.data : null;
        },
        timeoutMs,
        `job ${id} to be ${statuses.join('|')}`,
      );
    },
    async restartEdge() {
      await edge.stop();
      edge = await startEdge(edgeOptions);
    },
    async newTenant(slug) {
      const id = `org_${slug}_${Math.random().toString(36).slice(2, 8)}`;
      await ensureOrg(db.config, { id, name: slug, slug: id });
      return {
        orgId: id,
        token: await createApiKey(db.config, { orgId: id, name: `${slug} admin`, role: 'platform-admin' }),
      };
    },
    async stop() {
      await Promise.all(agents.map((a) => a.stop()));
      await edge.stop();
      await db.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
  return stack;
}
