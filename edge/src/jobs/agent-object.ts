/**
 * AgentObject: one Durable Object per enrolled agent. It is the agent's dispatcher: it owns the
 * agent's job queue and leases (SQLite), holds the agent's one open job stream, checks the agent's
 * tokens, takes jobs back when a lease runs out (alarm), and tells a job's submitter when the job
 * ends (job-notifier.ts). Keeping all of this in one object gives every job a single writer, so
 * delivery, results, cancels and notices never race.
 */
import { DurableObject } from 'cloudflare:workers';
import type { JsonObject } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { ReceiveJobsResponseSchema } from '@kombify/proto/agent/v1';
import type { JobOrigin } from '@kombify/proto/jobs';
import { type Config, loadConfig } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import { withObjectDb } from '../platform/db/object-db.ts';
import type { NodeFactsRecord } from '../platform/db/schema.ts';
import type { Env } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { agentStatus } from '../workers/index.ts';
import {
  type AgentIdentity,
  agentIdOf,
  authenticateAgent,
  forgetIdentity,
  loadIdentity,
  rememberAgent,
} from './agent-identity.ts';
import { handleAgentRpc } from './agent-rpc.ts';
import * as lifecycle from './job-lifecycle.ts';
import type { JobNotify } from './job-notice.ts';
import { JobNotifier } from './job-notifier.ts';
import { nextPurgeAt, purgeFinishedParams } from './job-retention.ts';
import { keepSecretOutputs } from './job-secret-outputs.ts';
import { fetchJobSecrets } from './job-secrets.ts';
import * as store from './job-store.ts';
import { JobStream, jobEvent } from './job-stream.ts';
import { type JobSummary, type JobView, type JsonFields, toJobSummary, toJobView } from './job-view.ts';
import { JobWaiters } from './job-waiters.ts';

export type { AgentIdentity } from './agent-identity.ts';
export type { CompleteOutcome } from './job-lifecycle.ts';

export interface EnqueueInput {
  id: string;
  orgId: string;
  agentId: string;
  type: string;
  params: JsonFields;
  /** Who is told when the job ends (a stack's workflow, a simulated node). */
  notify?: JobNotify;
  /**
   * Who made the job (submitJob always says). The agent's policy refuses raw ("api") jobs unless
   * its owner allows them, and treats a job without an origin as raw.
   */
  origin?: JobOrigin;
}

/** The longest a caller may wait in `waitForJob` (SIM_WAIT_SECONDS allows up to 600 s). */
const MAX_WAIT_MS = 600_000;

export class AgentObject extends DurableObject<Env> {
  readonly #sql: store.JobDb;
  readonly #config: Config;
  readonly #notifier: JobNotifier;
  readonly #waiters = new JobWaiters();
  #stream: JobStream | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = store.openJobStore(ctx.storage);
    this.#config = loadConfig(env);
    this.#notifier = new JobNotifier(this.#sql, { env, withDb: (fn) => this.#withDb(fn) });
    ctx.blockConcurrencyWhile(async () => store.migrateJobStore(this.#sql));
  }

  // ── called by the Worker ─────────────────────────────────────────────────────────────────────

  /** Agent calls (Connect protocol) routed here by agent id. */
  override async fetch(request: Request): Promise<Response> {
    return handleAgentRpc(request, this);
  }

  /** Queues a job (idempotent by id) and hands it to the agent at once if its stream is open. */
  async enqueue(input: EnqueueInput): Promise<JobView> {
    rememberAgent(this.#sql, input.agentId, input.orgId);
    const now = Date.now();
    store.insertJob(
      this.#sql,
      {
        id: input.id,
        type: input.type,
        params: input.params as JsonObject,
        maxAttempts: this.#config.JOB_MAX_ATTEMPTS,
        queueTimeoutMs: this.#config.JOB_QUEUE_TIMEOUT_SECONDS * 1000,
        origin: input.origin ?? null,
      },
      now,
    );
    if (input.notify) this.#notifier.remember(input.id, input.notify);
    // The answer describes the job as accepted (queued); delivery follows in the same turn.
    const accepted = this.getJob(input.id)!;
    this.#deliverQueued(now);
    await this.#scheduleAlarm(now);
    return accepted;
  }

  getJob(id: string): JobView | null {
    const job = store.getJob(this.#sql, id);
    if (!job) return null;
    return toJobView(
      agentIdOf(this.#sql) ?? '',
      job,
      store.listEvents(this.#sql, id),
      store.listLogs(this.#sql, id),
    );
  }

  /** This agent's jobs, newest first, as a list shows them. */
  listJobs(filter: store.JobFilter, limit: number, offset: number): { rows: JobSummary[]; total: number } {
    const agentId = agentIdOf(this.#sql) ?? '';
    return {
      rows: store.listJobs(this.#sql, filter, limit, offset).map((job) => toJobSummary(agentId, job)),
      total: store.countJobs(this.#sql, filter),
    };
  }

  /**
   * The job once it has ended and its submitter has been told (so what the caller reads next
   * already shows the outcome), or as it is after `timeoutMs`. Null for an unknown job.
   */
  async waitForJob(id: string, timeoutMs: number): Promise<JobView | null> {
    const job = store.getJob(this.#sql, id);
    if (!job) return null;
    const settled = store.terminalStatuses.has(job.status) && !this.#notifier.delivering(id);
    if (!settled && timeoutMs > 0) await this.#waiters.wait(id, Math.min(timeoutMs, MAX_WAIT_MS));
    return this.getJob(id);
  }

  async cancelJob(id: string, reason: string): Promise<JobView | null> {
    const job = store.getJob(this.#sql, id);
    if (!job) return null;
    if (!store.terminalStatuses.has(job.status)) {
      const now = Date.now();
      if (lifecycle.cancel(this.#sql, job, reason, now)) {
        this.#stream?.push(
          create(ReceiveJobsResponseSchema, { event: { case: 'cancel', value: { jobId: id, reason } } }),
        );
      }
      this.#ended([id]);
      await this.#scheduleAlarm(now);
    }
    return this.getJob(id);
  }

  /**
   * The worker was deleted (its row in Postgres is gone already): its open jobs are cancelled, its
   * stream closed and its key forgotten, so the agent's next call is refused (issue 20, M5).
   */
  async forget(): Promise<void> {
    const now = Date.now();
    const open = store.openJobs(this.#sql);
    for (const job of open) lifecycle.cancel(this.#sql, job, 'the worker was deleted', now);
    this.#ended(open.map((j) => j.id));
    this.#stream?.close();
    this.#stream = null;
    forgetIdentity(this.#sql);
    await this.#scheduleAlarm(now);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const expired = store.expiredLeases(this.#sql, now);
    // An agent that lets a lease run out while its stream looks open is not really there (workerd
    // only reports a hung-up client on the next write). Drop that stream, so retried jobs wait for
    // a live connection instead of going down the dead one.
    const stream = this.#stream;
    const agentId = agentIdOf(this.#sql);
    if (
      expired.length > 0 &&
      stream &&
      agentId &&
      stream.openedAt < now - this.#config.JOB_LEASE_SECONDS * 500
    ) {
      await this.closeStream(stream, agentId);
    }
    this.#ended(lifecycle.expireLeases(this.#sql, expired, now));
    this.#ended(lifecycle.failOverdue(this.#sql, now));
    purgeFinishedParams(this.#sql, now - this.#config.JOB_PARAMS_RETENTION_SECONDS * 1000, now);
    // Notices whose delivery failed (or never finished) are tried again.
    await this.#notifier.retryDue(now);
    this.#deliverQueued(now);
    await this.#scheduleAlarm(now);
  }

  // ── called by the agent (through agent-rpc.ts) ──────────────────────────────────────────────

  /** Checks the caller's agent token; loads the agent's key from Postgres on first use. */
  authenticate(headers: Headers): Promise<AgentIdentity> {
    return authenticateAgent(headers, (agentId) => this.loadIdentity(agentId));
  }

  /** Learns the agent's identity from Postgres (first call after enrollment). */
  loadIdentity(agentId: string): Promise<AgentIdentity | null> {
    return loadIdentity(this.#sql, agentId, (fn) => this.#withDb(fn));
  }

  /**
   * Opens the agent's job stream. Only one stream per agent: a newer one replaces an older one.
   * Jobs the agent held when it went away are sent again under the same lease (so a result it
   * kept in its outbox still matches), then queued jobs are leased and sent.
   */
  async openStream(identity: AgentIdentity): Promise<JobStream> {
    const now = Date.now();
    this.#stream?.close();
    const stream = new JobStream(randomId('str'), now);
    this.#stream = stream;
    // An immediate first message tells the agent the stream is up.
    stream.push(
      create(ReceiveJobsResponseSchema, {
        event: { case: 'keepalive', value: { serverTime: timestampFromMs(now) } },
      }),
    );
    const leaseMs = this.#config.JOB_LEASE_SECONDS * 1000;
    const { ended, redelivered } = lifecycle.recoverRunning(this.#sql, leaseMs, now);
    this.#ended(ended);
    for (const job of redelivered) stream.push(jobEvent(job));
    this.#deliverQueued(now);
    await this.#scheduleAlarm(now);
    await this.#markConnected(identity.agentId, true);
    return stream;
  }

  async closeStream(stream: JobStream, agentId: string): Promise<void> {
    stream.close();
    if (this.#stream !== stream) return;
    this.#stream = null;
    await this.#markConnected(agentId, false);
  }

  streamSettings(): { keepaliveMs: number; maxAgeMs: number } {
    return {
      keepaliveMs: this.#config.AGENT_KEEPALIVE_SECONDS * 1000,
      maxAgeMs: this.#config.AGENT_STREAM_MAX_SECONDS * 1000,
    };
  }

  reportProgress(jobId: string, leaseId: string, message: string, percent: number | null) {
    const job = this.#jobForLease(jobId, leaseId);
    if (job.status !== 'running' || job.leaseId !== leaseId) {
      return {
        cancelled: job.status === 'cancelled' || store.terminalStatuses.has(job.status),
        leaseExpiresAt: null,
      };
    }
    const now = Date.now();
    const expires = store.renewLease(this.#sql, jobId, this.#config.JOB_LEASE_SECONDS * 1000, now);
    if (message) store.setProgress(this.#sql, jobId, message, percent, now);
    return { cancelled: false, leaseExpiresAt: expires };
  }

  /**
   * Log lines from the job's current lease while it runs. A finished job's log, or one written
   * under an older lease, takes no more lines (issue 20, L5); asking with no lines (where the
   * numbering continues) is always answered.
   */
  appendLogs(jobId: string, leaseId: string, lines: store.LogLineRecord[]): number {
    const job = this.#jobForLease(jobId, leaseId);
    if (lines.length > 0 && (job.status !== 'running' || job.leaseId !== leaseId)) {
      throw new ApiError(
        'CONFLICT',
        `job ${jobId} is ${job.status}${job.leaseId === leaseId ? '' : ' under another lease'}: its log takes no lines from lease ${leaseId}`,
      );
    }
    return store.appendLogs(this.#sql, jobId, lines);
  }

  /** The secret values of a running job, for its current lease, once (job-secrets.ts). */
  async fetchJobSecrets(
    identity: AgentIdentity,
    jobId: string,
    leaseId: string,
  ): Promise<Record<string, string>> {
    const deps = { sql: this.#sql, config: this.#config, orgId: identity.orgId, now: Date.now };
    const withDb = <T>(fn: (db: Db) => Promise<T>) => this.#withDb(fn);
    return fetchJobSecrets({ ...deps, withDb }, this.#jobForLease(jobId, leaseId), leaseId);
  }

  /**
   * First result wins; a repeat (same or older lease) is acknowledged but not applied. Secrets a
   * result carries (a swarm's join tokens) go to the org's store first and never into the row.
   */
  async completeJob(
    jobId: string,
    leaseId: string,
    reported: lifecycle.CompleteOutcome,
    identity?: AgentIdentity,
  ): Promise<{ status: string; applied: boolean }> {
    const job = this.#jobForLease(jobId, leaseId);
    if (store.terminalStatuses.has(job.status)) return { status: job.status, applied: false };
    const withDb = <T>(fn: (db: Db) => Promise<T>) => this.#withDb(fn);
    const outcome = await keepSecretOutputs(
      { config: this.#config, orgId: identity?.orgId, withDb },
      job,
      reported,
    );
    const now = Date.now();
    const { status, ended } = lifecycle.applyOutcome(this.#sql, job, outcome, now);
    if (ended) this.#ended([jobId]);
    await this.#scheduleAlarm(now);
    return { status, applied: true };
  }

  /** Records facts; an agent that is shutting down says so, and its stream is closed at once. */
  async heartbeat(
    identity: AgentIdentity,
    facts: NodeFactsRecord | null,
    agentVersion: string,
    goingOffline: boolean,
  ): Promise<number> {
    await agentStatus(this.env, identity.agentId).heartbeat({ id: identity.agentId, facts, agentVersion });
    if (goingOffline && this.#stream) await this.closeStream(this.#stream, identity.agentId);
    return this.#config.AGENT_HEARTBEAT_SECONDS;
  }

  /** Log lines after `afterSeq`, in order (live progress reads them by sequence number). */
  jobLogs(id: string, afterSeq: number, limit = 500): store.LogLineRecord[] {
    return store.listLogsAfter(this.#sql, id, afterSeq, limit);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  /**
   * Jobs ended: their submitters are told (after this turn; a failed notice is retried from the
   * alarm), and then whoever waits for them is released.
   */
  #ended(jobIds: string[]): void {
    for (const jobId of jobIds) {
      const told = this.#notifier.ended(jobId, Date.now());
      this.ctx.waitUntil(
        told.then(async () => {
          this.#waiters.release(jobId);
          await this.#scheduleAlarm(Date.now());
        }),
      );
    }
  }

  #jobForLease(jobId: string, leaseId: string): store.JobRecord {
    const job = store.getJob(this.#sql, jobId);
    if (!job || !store.isLeaseOf(this.#sql, jobId, leaseId)) {
      throw new ApiError('NOT_FOUND', `no job ${jobId} with lease ${leaseId} for this agent`);
    }
    return job;
  }

  #deliverQueued(now: number): void {
    const stream = this.#stream;
    if (!stream || stream.closed) return;
    const leaseMs = this.#config.JOB_LEASE_SECONDS * 1000;
    for (const queued of store.deliverableJobs(this.#sql, now)) {
      const job = store.leaseJob(this.#sql, queued.id, randomId('lease'), leaseMs, now);
      stream.push(jobEvent(job));
    }
  }

  /** The alarm fires at the next lease expiry, retry, queue deadline or notice retry. */
  async #scheduleAlarm(now: number): Promise<void> {
    const dues = [
      store.nextDueAt(this.#sql, now),
      this.#notifier.nextDueAt(),
      nextPurgeAt(this.#sql, this.#config.JOB_PARAMS_RETENTION_SECONDS * 1000),
    ].filter((d): d is number => d !== null);
    if (dues.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(Math.max(Math.min(...dues), now + 10));
  }

  /** Connection status in Postgres is for display; jobs keep flowing if the database is down. */
  async #markConnected(agentId: string, connected: boolean): Promise<void> {
    try {
      await agentStatus(this.env, agentId).connection(agentId, connected);
    } catch (error) {
      console.warn(
        `could not record agent ${agentId} as ${connected ? 'connected' : 'disconnected'}:`,
        error,
      );
    }
  }

  #withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return withObjectDb(this.#config, (p) => this.ctx.waitUntil(p), fn);
  }
}
