/**
 * StackObject: one Durable Object per stack. It owns the stack's spec versions, node bindings,
 * workflow runs with their steps, jobs and events (SQLite, stack-store.ts), and the stack's
 * OpenTofu state with its lock and owner (../tofu-state/state-store.ts, the HTTP backend). The engine
 * (engine.ts) is plain functions over those rows; this class only serialises calls into it,
 * connects it to the workers' AgentObjects (stack-dispatcher.ts; they report each job's end to
 * `jobEnded`), and keeps its alarm set — the alarm is what moves a run forward after a restart,
 * polls jobs whose end was not reported, and starts drift checks.
 */
import { DurableObject } from 'cloudflare:workers';
import { type Config, loadConfig } from '../../platform/config.ts';
import type { Db } from '../../platform/db/client.ts';
import { withObjectDb } from '../../platform/db/object-db.ts';
import type { Env } from '../../platform/env.ts';
import { ok, type Result, refuse } from '../../platform/result.ts';
import { secretVersions } from '../../secrets/index.ts';
import { stateBackendFor, tofuStore } from '../../tofu-state/index.ts';
import { setStackStatus } from '../store.ts';
import type { EngineDeps, JobOutcome, WorkflowOptions } from './engine.ts';
import * as engine from './engine.ts';
import { type Binding, initStack, type StackInit, stackDetails } from './stack-details.ts';
import { stackDispatcher } from './stack-dispatcher.ts';
import * as store from './stack-store.ts';
import { eventView, versionView, workflowSummary, workflowView } from './views.ts';

export type { Binding, StackInit } from './stack-details.ts';

export class StackObject extends DurableObject<Env> {
  readonly #sql: store.StackDb;
  readonly #config: Config;
  /** Engine calls run one at a time: the engine awaits other objects, and must not interleave. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = store.openStackStore(ctx.storage);
    this.#config = loadConfig(env);
    ctx.blockConcurrencyWhile(async () => this.#migrate());
  }

  /** Both table sets live in this object's SQLite, one migration history: the stack's and its OpenTofu state. */
  #migrate(): Promise<void> {
    return store.migrateStackStore(this.#sql);
  }

  #serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  #stackId(): string | null {
    return store.getSetting(this.#sql, 'id');
  }

  #deps(): EngineDeps {
    const stackId = this.#stackId()!;
    const orgId = store.getSetting(this.#sql, 'org_id')!;
    // Where the agent reaches this edge's state backend: the configured public URL, else the
    // origin of the request that started the run.
    const baseUrl = this.#config.PUBLIC_EDGE_URL ?? store.getSetting(this.#sql, 'base_url') ?? '';
    return {
      sql: this.#sql,
      stackId,
      dispatcher: stackDispatcher({
        env: this.env,
        stackId,
        orgId,
        withDb: (fn) => this.#withDb(fn),
      }),
      now: () => Date.now(),
      jobTimeoutMs: this.#config.STACK_JOB_TIMEOUT_SECONDS * 1000,
      secretVersions: (paths) => this.#withDb((db) => secretVersions(db, orgId, paths)),
      tofuBackend: () => {
        // Stacks made before creation claimed their state get their claim here (idempotent).
        tofuStore.claim(this.#sql, orgId, Date.now());
        return stateBackendFor(this.env, baseUrl, { id: stackId, orgId });
      },
      onStackStatus: async (status) => {
        try {
          await this.#withDb((db) => setStackStatus(db, stackId, { status }));
        } catch (error) {
          console.warn(`could not mirror stack ${stackId} status ${status}:`, error);
        }
      },
    };
  }

  /** Runs an engine call and re-arms the alarm from the state it leaves. */
  #engine<T>(fn: (deps: EngineDeps) => Promise<T>): Promise<T> {
    return this.#serial(async () => {
      const deps = this.#deps();
      const out = await fn(deps);
      await this.#arm(engine.nextWake(deps));
      return out;
    });
  }

  async #arm(at: number | null): Promise<void> {
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    if (!this.#stackId()) return;
    await this.#serial(async () => this.#arm(await engine.tick(this.#deps())));
  }

  // ── stack and spec versions ─────────────────────────────────────────────────────────────────

  /**
   * Creates the stack, and claims its OpenTofu state for the org in the same transaction: a stack
   * never exists without its state owner, nor the other way round. Idempotent (a retry returns
   * the stack as it is).
   */
  init(input: StackInit) {
    if (this.#stackId()) return this.details();
    this.ctx.storage.transactionSync(() => initStack(this.#sql, input, Date.now()));
    return this.details();
  }

  details() {
    return this.#stackId() ? stackDetails(this.#sql) : null;
  }

  currentVersion(): store.SpecVersion | null {
    if (!this.#stackId()) return null;
    return store.getVersion(this.#sql, Number(store.getSetting(this.#sql, 'current_version')));
  }

  getVersion(version: number): store.SpecVersion | null {
    return this.#stackId() ? store.getVersion(this.#sql, version) : null;
  }

  versions() {
    const current = Number(store.getSetting(this.#sql, 'current_version'));
    return store.listVersions(this.#sql).map((v) => versionView(v, current));
  }

  /** Keeps a new accepted spec as the current version, with new bindings when given (replacing all). */
  addVersion(version: Omit<store.SpecVersion, 'version' | 'createdAt'>, bindings?: Record<string, Binding>) {
    const v = this.ctx.storage.transactionSync(() => {
      const added = store.addVersion(this.#sql, { ...version, createdAt: Date.now() });
      store.setSetting(this.#sql, 'current_version', String(added.version));
      if (bindings) store.setSetting(this.#sql, 'bindings', JSON.stringify(bindings));
      store.addEvent(
        this.#sql,
        { workflowId: null, kind: 'spec.version', message: `spec version ${added.version} added` },
        Date.now(),
      );
      return added;
    });
    return versionView(v, v.version);
  }

  /** Rollback: the old version's spec becomes a new, current version (history stays append-only). */
  rollback(version: number): Result<ReturnType<typeof versionView>, 'NOT_FOUND'> {
    const old = store.getVersion(this.#sql, version);
    if (!old) return refuse('NOT_FOUND', `stack has no spec version ${version}`);
    return ok(
      this.addVersion({
        format: old.format,
        source: old.source,
        options: old.options,
        tofu: old.tofu,
        name: old.name,
        kit: old.kit,
        note: `rollback to version ${version}`,
      }),
    );
  }

  setBindings(bindings: Record<string, Binding>) {
    store.setSetting(this.#sql, 'bindings', JSON.stringify(bindings));
    return this.details();
  }

  async setDriftInterval(seconds: number) {
    return this.#serial(async () => {
      store.setSetting(this.#sql, 'drift_interval_s', String(seconds));
      store.setSetting(this.#sql, 'next_drift_at', String(Date.now() + seconds * 1000));
      await this.#arm(await engine.tick(this.#deps()));
      return this.details();
    });
  }

  /** Removes everything this object stores; refused while a run is in progress or the stack is deployed. */
  async destroyStorage(force: boolean): Promise<Result<undefined, 'CONFLICT'>> {
    return this.#serial(async () => {
      const active = store.activeWorkflow(this.#sql) ?? store.nextQueued(this.#sql);
      if (active) return refuse('CONFLICT', `workflow ${active.id} is ${active.status}; cancel it first`);
      if (!force && store.getSetting(this.#sql, 'deployed')) {
        return refuse(
          'CONFLICT',
          'the stack is deployed; destroy it first (POST /stacks/{id}/destroy) or delete with ?force=true',
        );
      }
      const lock = tofuStore.heldLock(this.#sql);
      if (!force && lock) {
        return refuse(
          'CONFLICT',
          `the stack's OpenTofu state is locked (lock ${lock.id}, by ${lock.lockedBy}); unlock it or delete with ?force=true`,
        );
      }
      await this.ctx.storage.deleteAlarm();
      // Everything goes, the OpenTofu state (and its owner) with it.
      await this.ctx.storage.deleteAll();
      await this.#migrate();
      return ok();
    });
  }

  // ── workflows ───────────────────────────────────────────────────────────────────────────────

  startWorkflow(input: {
    kind: store.WorkflowKind;
    options: WorkflowOptions;
    workers: Record<string, string>;
    requestedBy: string | null;
    /** The origin the run was requested at (the state backend's address when no PUBLIC_EDGE_URL). */
    baseUrl?: string;
    /** Every bound worker is a simulated machine: routes get Caddy's internal CA (planOf). */
    simulated?: boolean;
  }) {
    const { baseUrl, simulated, ...run } = input;
    if (baseUrl) store.setSetting(this.#sql, 'base_url', baseUrl);
    if (simulated !== undefined) store.setSetting(this.#sql, 'proxy_tls', simulated ? 'internal' : 'auto');
    return this.#engine(async (deps) => {
      const version = Number(store.getSetting(this.#sql, 'current_version'));
      const wf = await engine.createWorkflow(deps, { ...run, version });
      return this.#summary(wf.id)!;
    });
  }

  #summary(id: string) {
    const wf = store.getWorkflow(this.#sql, id);
    return wf ? workflowSummary(this.#stackId()!, wf, store.listSteps(this.#sql, id)) : null;
  }

  workflow(id: string) {
    const wf = store.getWorkflow(this.#sql, id);
    if (!wf) return null;
    return workflowView(
      this.#stackId()!,
      wf,
      store.listSteps(this.#sql, id),
      store.jobsOf(this.#sql, id),
      store.eventsOf(this.#sql, id, 0, 10_000),
    );
  }

  workflows(limit: number, offset: number, filter: store.WorkflowFilter = {}) {
    return {
      rows: store.listWorkflows(this.#sql, limit, offset, filter).map((w) => this.#summary(w.id)!),
      total: store.countWorkflows(this.#sql, filter),
    };
  }

  /** Events after `afterSeq`, with the run's status and jobs (for live progress). */
  progress(id: string, afterSeq: number) {
    const wf = store.getWorkflow(this.#sql, id);
    if (!wf) return null;
    return {
      status: wf.status,
      terminal: store.terminalWorkflow.has(wf.status),
      events: store.eventsOf(this.#sql, id, afterSeq, 500).map(eventView),
      jobs: store
        .jobsOf(this.#sql, id)
        .map((j) => ({ id: j.id, worker_id: j.workerId, node: j.node, type: j.type, status: j.status })),
    };
  }

  async #act(fn: (deps: EngineDeps) => Promise<engine.ActionResult>) {
    const out = await this.#engine(fn);
    if (!out.ok) return out;
    return ok(this.#summary(out.value.id)!);
  }

  approve(id: string, by: string) {
    return this.#act((deps) => engine.approve(deps, id, by));
  }

  reject(id: string, by: string, reason: string | null) {
    return this.#act((deps) => engine.reject(deps, id, by, reason));
  }

  cancel(id: string, by: string) {
    return this.#act((deps) => engine.cancelWorkflow(deps, id, by));
  }

  /** Called by an AgentObject when a job this stack dispatched has ended. */
  jobEnded(jobId: string, outcome: JobOutcome): Promise<boolean> {
    if (!this.#stackId()) return Promise.resolve(false);
    return this.#engine((deps) => engine.jobEnded(deps, jobId, outcome));
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  #withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return withObjectDb(this.#config, (p) => this.ctx.waitUntil(p), fn);
  }

  // ── OpenTofu state backend (orch-state) ─────────────────────────────────────────────────────
  // Thin RPC wrappers over ../tofu-state/state-store.ts, which owns the tofu_* tables. Each call
  // is synchronous inside the object, so checks and writes never interleave.

  /** Records the stack's org at first use; a stack never changes org. */
  claim(orgId: string): { orgId: string; claimed: boolean } {
    return tofuStore.claim(this.#sql, orgId, Date.now());
  }

  claimedBy(): string | null {
    return tofuStore.ownerOf(this.#sql);
  }

  tofuState(): tofuStore.StoredState | null {
    return tofuStore.currentState(this.#sql);
  }

  tofuPutState(input: tofuStore.PutStateInput) {
    return tofuStore.putState(this.#sql, input, Date.now());
  }

  tofuLock(req: { id: string; info: string; by: string }) {
    return tofuStore.lock(this.#sql, req, Date.now());
  }

  tofuUnlock(req: { id: string } | { force: true }) {
    return tofuStore.unlock(this.#sql, req);
  }

  tofuDeleteState(req: { lockId: string | null; by: string; keep: number }) {
    return tofuStore.deleteState(this.#sql, req, Date.now());
  }

  tofuVersions(): tofuStore.VersionInfo[] {
    return tofuStore.listVersions(this.#sql);
  }

  tofuLockHeld(): tofuStore.HeldLock | null {
    return tofuStore.heldLock(this.#sql);
  }
}
