/**
 * The agent's connection to the edge, as a small state machine:
 *
 *   connecting ──first message──▶ connected ──stream ends (edge rotates it)──▶ connecting
 *       │                            │ error / idle watchdog
 *       └────────── error ──────────▶ backoff ──delay (full jitter)──▶ connecting
 *   any ──stop()──▶ stopped
 *
 * One job stream is open at a time. The edge sends a keepalive every few seconds (5 s by default); if nothing
 * arrives for `idleTimeoutMs`, the stream is presumed dead and torn down. Heartbeats run on their
 * own timer and at every (re)connect.
 */
import { Code, ConnectError } from '@connectrpc/connect';
import { backoffDelay, sleep } from './backoff.ts';
import type { AgentClient } from './edge-client.ts';
import { capabilities } from './executors/index.ts';
import { collectFacts } from './facts.ts';
import type { JobRunner } from './job-runner.ts';
import { log } from './log.ts';
import { AGENT_VERSION } from './version.ts';

export type ConnectionState = 'connecting' | 'connected' | 'backoff' | 'stopped';

export interface ConnectionOptions {
  heartbeatSeconds: number;
  idleTimeoutMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  dataDir: string;
  /** Called each time a job stream opens (an upgraded agent confirms it came back with it). */
  onConnected?: () => void;
}

export class EdgeConnection {
  readonly #client: AgentClient;
  readonly #runner: JobRunner;
  readonly #opts: ConnectionOptions;
  readonly #stop = new AbortController();
  #state: ConnectionState = 'connecting';
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(client: AgentClient, runner: JobRunner, opts: ConnectionOptions) {
    this.#client = client;
    this.#runner = runner;
    this.#opts = opts;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Says goodbye to the edge (so the worker shows offline at once), then ends the stream. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#heartbeatTimer);
    if (this.#state === 'connected') {
      await this.#client
        .heartbeat({ goingOffline: true, runningJobIds: this.#runner.runningIds() }, { timeoutMs: 2000 })
        .catch(() => {});
    }
    this.#state = 'stopped';
    this.#stop.abort();
  }

  async run(): Promise<void> {
    this.#heartbeatTimer = setInterval(() => void this.#heartbeat(), this.#opts.heartbeatSeconds * 1000);
    let failures = 0;
    while (!this.#stop.signal.aborted && !this.#stopping) {
      this.#state = 'connecting';
      try {
        const gotMessage = await this.#streamOnce();
        failures = gotMessage ? 0 : failures + 1;
        if (gotMessage) continue; // the edge rotated the stream: reconnect at once
      } catch (error) {
        if (this.#stop.signal.aborted || this.#stopping) break;
        failures += 1;
        const delay = backoffDelay(failures, {
          baseMs: this.#opts.backoffBaseMs,
          // A refused token will not fix itself quickly: retry slowly and say so.
          capMs: isAuthError(error) ? Math.max(this.#opts.backoffCapMs, 60_000) : this.#opts.backoffCapMs,
        });
        this.#state = 'backoff';
        const reason = error instanceof ConnectError ? error.rawMessage : (error as Error).message;
        if (isAuthError(error)) log.error('the edge refused this agent', { reason, retry_in_ms: delay });
        else log.warn('edge unreachable', { reason, retry_in_ms: delay, attempt: failures });
        await sleep(delay, this.#stop.signal);
      }
    }
    this.#state = 'stopped';
  }

  /** Opens the job stream and serves it until it ends. Returns whether any message arrived. */
  async #streamOnce(): Promise<boolean> {
    const call = new AbortController();
    const onStop = () => call.abort();
    this.#stop.signal.addEventListener('abort', onStop);
    let watchdog: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(
        () => call.abort(new Error(`no message from the edge for ${this.#opts.idleTimeoutMs} ms`)),
        this.#opts.idleTimeoutMs,
      );
    };
    let gotMessage = false;
    try {
      arm();
      const stream = this.#client.receiveJobs(
        { agentVersion: AGENT_VERSION, capabilities: [...capabilities] },
        { signal: call.signal, timeoutMs: 0 },
      );
      for await (const message of stream) {
        arm();
        if (!gotMessage) {
          gotMessage = true;
          this.#state = 'connected';
          log.info('connected to the edge; waiting for jobs');
          this.#opts.onConnected?.();
          void this.#heartbeat();
          void this.#runner.flushPending();
        }
        const event = message.event;
        if (event.case === 'job') void this.#runner.handle(event.value);
        else if (event.case === 'cancel') this.#runner.cancel(event.value.jobId, event.value.reason);
      }
      if (gotMessage) log.debug('the edge ended the job stream; reconnecting');
      return gotMessage;
    } catch (error) {
      if (call.signal.aborted && call.signal.reason instanceof Error && !this.#stop.signal.aborted) {
        throw call.signal.reason;
      }
      throw error;
    } finally {
      clearTimeout(watchdog);
      this.#stop.signal.removeEventListener('abort', onStop);
    }
  }

  async #heartbeat(): Promise<void> {
    try {
      const facts = await collectFacts(this.#opts.dataDir);
      await this.#client.heartbeat({ facts, runningJobIds: this.#runner.runningIds() });
    } catch (error) {
      log.debug('heartbeat failed', { reason: error instanceof Error ? error.message : String(error) });
    }
  }
}

function isAuthError(error: unknown): boolean {
  return (
    error instanceof ConnectError &&
    (error.code === Code.Unauthenticated || error.code === Code.PermissionDenied)
  );
}
