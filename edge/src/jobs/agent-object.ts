import { DurableObject } from 'cloudflare:workers';
import type { JsonObject } from '@bufbuild/protobuf';
/**
 * AgentObject: one Durable Object per enrolled agent. It is the agent's dispatcher: it owns the
 * agent's job queue and leases (SQLite), holds the agent's one open job stream, checks the agent's
 * tokens, and takes jobs back when a lease runs out (alarm). Keeping all of this in one object
 * gives every job a single writer, so delivery, results and cancels never race.
 */
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  type Job,
  JobSchema,
  type ReceiveJobsResponse,
  ReceiveJobsResponseSchema,
} from '@kombify/proto/agent/v1';
import { type Config, loadConfig } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import { withObjectDb } from '../platform/db/object-db.ts';
import type { NodeFactsRecord } from '../platform/db/schema.ts';
import type { Env } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { stackHandle } from '../stacks/object/stack-handle.ts';
import { agentIdFromToken, bearerToken, verifyAgentToken } from '../workers/agent-token.ts';
import { agentStatus } from '../workers/status/agent-status-object.ts';
import { getAgentIdentity } from '../workers/store.ts';
import { handleAgentRpc } from './agent-rpc.ts';
import * as store from './job-store.ts';
import { JobStream } from './job-stream.ts';
import { type JobView, toJobView } from './job-view.ts';

export interface EnqueueInput {
  id: string;
  orgId: string;
  agentId: string;
  type: string;
  params: JsonObject;
  /** Set for jobs a stack workflow dispatched: the stack is told when the job ends. */
  origin?: { stackId: string; workflowId: string };
}

export interface AgentIdentity {
  agentId: string;
  orgId: string;
  publicKeyJwk: JsonWebKey;
}

export type CompleteOutcome =
  | { kind: 'result'; result: JsonObject }
  | { kind: 'error'; code: string; message: string; retryable: boolean };

export class AgentObject extends DurableObject<Env> {
  readonly #sql: store.JobDb;
  readonly #config: Config;
  #stream: JobStream | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = store.openJobStore(ctx.storage);
    this.#config = loadConfig(env);
    ctx.blockConcurrencyWhile(async () => store.migrateJobStore(this.#sql));
  }

  // ── called by the Worker ─────────────────────────────────────────────────────────────────────

  /** Agent calls (Connect protocol) routed here by agent id. */
  override async fetch(request: Request): Promise<Response> {
    return handleAgentRpc(request, this);
  }

  /** Queues a job (idempotent by id) and hands it to the agent at once if its stream is open. */
  async enqueue(input: EnqueueInput): Promise<JobView> {
    this.#remember(input.agentId, input.orgId);
    const now = Date.now();
    store.insertJob(
      this.#sql,
      {
        id: input.id,
        type: input.type,
        params: input.params,
        maxAttempts: this.#config.JOB_MAX_ATTEMPTS,
        queueTimeoutMs: this.#config.JOB_QUEUE_TIMEOUT_SECONDS * 1000,
      },
      now,
    );
    if (input.origin) store.setOrigin(this.#sql, input.id, input.origin.stackId);
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
      store.getMeta(this.#sql, 'agent_id') ?? '',
      job,
      store.listEvents(this.#sql, id),
      store.listLogs(this.#sql, id),
    );
  }

  async cancelJob(id: string, reason: string): Promise<JobView | null> {
    const job = store.getJob(this.#sql, id);
    if (!job) return null;
    if (!store.terminalStatuses.has(job.status)) {
      const now = Date.now();
      store.finishJob(
        this.#sql,
        id,
        { status: 'cancelled', error: { code: 'cancelled', message: reason } },
        now,
      );
      if (job.status === 'running') {
        this.#stream?.push(
          create(ReceiveJobsResponseSchema, { event: { case: 'cancel', value: { jobId: id, reason } } }),
        );
      }
      this.#ended(id);
      await this.#scheduleAlarm(now);
    }
    return this.getJob(id);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const expired = store.expiredLeases(this.#sql, now);
    // An agent that lets a lease run out while its stream looks open is not really there (workerd
    // only reports a hung-up client on the next write). Drop that stream, so retried jobs wait for
    // a live connection instead of going down the dead one.
    const stream = this.#stream;
    const agentId = store.getMeta(this.#sql, 'agent_id');
    if (
      expired.length > 0 &&
      stream &&
      agentId &&
      stream.openedAt < now - this.#config.JOB_LEASE_SECONDS * 500
    ) {
      await this.closeStream(stream, agentId);
    }
    for (const job of expired) {
      if (job.attempt < job.maxAttempts) {
        const backoffMs = Math.min(30_000, 1000 * 2 ** (job.attempt - 1));
        store.requeueJob(
          this.#sql,
          job.id,
          now + backoffMs,
          `lease expired: the agent stopped reporting during attempt ${job.attempt} of ${job.maxAttempts}; retrying`,
          now,
        );
      } else {
        store.finishJob(
          this.#sql,
          job.id,
          {
            status: 'failed',
            error: {
              code: 'lease_expired',
              message: `the agent stopped reporting and the lease expired on all ${job.maxAttempts} attempts`,
            },
          },
          now,
        );
        this.#ended(job.id);
      }
    }
    for (const job of store.overdueQueued(this.#sql, now)) {
      const waited = Math.round((now - job.createdAt) / 1000);
      store.finishJob(
        this.#sql,
        job.id,
        {
          status: 'failed',
          error: { code: 'worker_offline', message: `the worker did not pick the job up within ${waited} s` },
        },
        now,
      );
      this.#ended(job.id);
    }
    this.#deliverQueued(now);
    await this.#scheduleAlarm(now);
  }

  // ── called by the agent (through agent-rpc.ts) ──────────────────────────────────────────────

  /** Checks the caller's agent token; loads the agent's key from Postgres on first use. */
  async authenticate(headers: Headers): Promise<AgentIdentity> {
    const token = bearerToken(headers.get('authorization'));
    if (!token) throw new ApiError('AUTH_REQUIRED', 'agent token required (Authorization: Bearer <token>)');
    const agentId = agentIdFromToken(token);
    if (!agentId) throw new ApiError('AUTH_INVALID', 'agent token is malformed');
    const identity = await this.loadIdentity(agentId);
    if (!identity) throw new ApiError('AUTH_INVALID', 'unknown agent: enroll this node again');
    await verifyAgentToken(token, identity.agentId, identity.publicKeyJwk);
    return identity;
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
    for (const job of store.runningJobs(this.#sql)) {
      // A redelivery counts as an attempt, so a job that kills its agent every time cannot loop forever.
      if (job.attempt >= job.maxAttempts) {
        store.finishJob(
          this.#sql,
          job.id,
          {
            status: 'failed',
            error: {
              code: 'agent_lost',
              message: `the agent went away (crash or restart) during each of the job's ${job.maxAttempts} deliveries`,
            },
          },
          now,
        );
        this.#ended(job.id);
        continue;
      }
      const redelivered = store.redeliverJob(this.#sql, job.id, leaseMs, now);
      stream.push(this.#jobEvent(redelivered));
    }
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

  appendLogs(jobId: string, leaseId: string, lines: store.LogLineRecord[]): number {
    this.#jobForLease(jobId, leaseId);
    return store.appendLogs(this.#sql, jobId, lines);
  }

  /** First result wins; a repeat (same or older lease) is acknowledged but not applied. */
  async completeJob(
    jobId: string,
    leaseId: string,
    outcome: CompleteOutcome,
  ): Promise<{ status: string; applied: boolean }> {
    const job = this.#jobForLease(jobId, leaseId);
    if (store.terminalStatuses.has(job.status)) return { status: job.status, applied: false };
    const now = Date.now();
    if (outcome.kind === 'result') {
      store.finishJob(this.#sql, jobId, { status: 'succeeded', result: outcome.result }, now);
    } else if (outcome.retryable && job.status === 'running' && job.attempt < job.maxAttempts) {
      const backoffMs = Math.min(30_000, 1000 * 2 ** (job.attempt - 1));
      store.requeueJob(
        this.#sql,
        jobId,
        now + backoffMs,
        `retryable error: ${outcome.message} (${outcome.code})`,
        now,
      );
      await this.#scheduleAlarm(now);
      return { status: 'queued', applied: true };
    } else {
      store.finishJob(
        this.#sql,
        jobId,
        { status: 'failed', error: { code: outcome.code, message: outcome.message } },
        now,
      );
    }
    this.#ended(jobId);
    await this.#scheduleAlarm(now);
    return { status: store.getJob(this.#sql, jobId)!.status, applied: true };
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

  /** A job's status and outcome without its events and logs (a stack's backstop poll). */
  jobOutcome(id: string): Pick<store.JobRecord, 'status' | 'result' | 'error'> | null {
    const job = store.getJob(this.#sql, id);
    return job ? { status: job.status, result: job.result, error: job.error } : null;
  }

  /** Log lines after `afterSeq`, in order (live progress reads them by sequence number). */
  jobLogs(id: string, afterSeq: number, limit = 500): store.LogLineRecord[] {
    return store.listLogsAfter(this.#sql, id, afterSeq, limit);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  /**
   * A job ended: if a stack workflow dispatched it, tell that stack (after this turn, best effort —
   * the stack's alarm polls open jobs, so a lost report only delays the run).
   */
  #ended(jobId: string): void {
    const stackId = store.getOrigin(this.#sql, jobId);
    if (!stackId) return;
    const job = store.getJob(this.#sql, jobId);
    if (!job || !store.terminalStatuses.has(job.status)) return;
    const outcome =
      job.status === 'succeeded'
        ? { status: 'succeeded' as const, result: job.result }
        : { status: job.status as 'failed' | 'cancelled', error: job.error };
    this.ctx.waitUntil(
      stackHandle(this.env, stackId)
        .jobEnded(jobId, outcome)
        .catch((error) => console.warn(`could not report job ${jobId} to stack ${stackId}:`, error)),
    );
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
      stream.push(this.#jobEvent(job));
    }
  }

  #jobEvent(job: store.JobRecord): ReceiveJobsResponse {
    const value: Job = create(JobSchema, {
      id: job.id,
      leaseId: job.leaseId ?? '',
      type: job.type,
      params: job.params as Job['params'],
      attempt: job.attempt,
      leaseExpiresAt: timestampFromMs(job.leaseExpiresAt ?? Date.now()),
      createdAt: timestampFromMs(job.createdAt),
    });
    return create(ReceiveJobsResponseSchema, { event: { case: 'job', value } });
  }

  async #scheduleAlarm(now: number): Promise<void> {
    const due = store.nextDueAt(this.#sql, now);
    if (due === null) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(Math.max(due, now + 10));
  }

  #remember(agentId: string, orgId: string): void {
    if (!store.getMeta(this.#sql, 'agent_id')) {
      store.setMeta(this.#sql, 'agent_id', agentId);
      store.setMeta(this.#sql, 'org_id', orgId);
    }
  }

  async #identity(): Promise<AgentIdentity | null> {
    const cached = store.getMeta(this.#sql, 'public_key');
    const agentId = store.getMeta(this.#sql, 'agent_id');
    if (cached && agentId) {
      return { agentId, orgId: store.getMeta(this.#sql, 'org_id') ?? '', publicKeyJwk: JSON.parse(cached) };
    }
    return null;
  }

  /** Learns the agent's identity from Postgres (first call after enrollment). */
  async loadIdentity(agentId: string): Promise<AgentIdentity | null> {
    const known = await this.#identity();
    if (known) return known.agentId === agentId ? known : null;
    const row = await this.#withDb((db) => getAgentIdentity(db, agentId));
    if (!row) return null;
    store.setMeta(this.#sql, 'agent_id', row.id);
    store.setMeta(this.#sql, 'org_id', row.orgId);
    store.setMeta(this.#sql, 'public_key', JSON.stringify(row.publicKeyJwk));
    return { agentId: row.id, orgId: row.orgId, publicKeyJwk: row.publicKeyJwk };
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
