/**
 * Runs the jobs the edge delivers: journals each to the outbox, keeps its lease alive, streams
 * its log lines, and reports its outcome until the edge acknowledges it.
 */
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { type Job, LogStream } from '@kombify/proto/agent/v1';
import type { AgentClient } from './edge-client.ts';
import type { ExecContext } from './executors/context.ts';
import { fileDirs } from './executors/converge/files.ts';
import { execute } from './executors/index.ts';
import { JobFailure } from './executors/job-error.ts';
import { failpoint } from './failpoints.ts';
import { log } from './log.ts';
import type { Outbox, OutboxEntry, Outcome } from './outbox.ts';
import type { LoadedPolicy } from './policy/policy.ts';
import { policyDenial } from './policy/policy-check.ts';
import { Redactor } from './redact.ts';

const streams = { stdout: LogStream.STDOUT, stderr: LogStream.STDERR, system: LogStream.SYSTEM } as const;

interface Running {
  leaseId: string;
  abort: AbortController;
}

export class JobRunner {
  readonly #client: AgentClient;
  readonly #outbox: Outbox;
  readonly #running = new Map<string, Running>();
  readonly #sending = new Set<string>();
  readonly #policy: () => LoadedPolicy;

  /** `policy` is read for every job, so the owner's edits apply from the next job on. */
  constructor(client: AgentClient, outbox: Outbox, policy: () => LoadedPolicy) {
    this.#client = client;
    this.#outbox = outbox;
    this.#policy = policy;
  }

  get runningCount(): number {
    return this.#running.size;
  }

  runningIds(): string[] {
    return [...this.#running.keys()];
  }

  /** Handles a delivered job. Never throws: failures become the job's outcome. */
  handle(job: Job): Promise<void> {
    const running = this.#running.get(job.id);
    if (running) {
      running.leaseId = job.leaseId;
      return Promise.resolve();
    }
    const journaled = this.#outbox.get(job.id);
    if (journaled?.state === 'completed') {
      log.info('job already done before a restart; sending its outcome again', { job: job.id });
      return this.send(journaled);
    }
    this.#outbox.received(job.id, job.leaseId, job.type);
    failpoint('after-receive');
    return this.#run(job);
  }

  cancel(jobId: string, reason: string): void {
    const running = this.#running.get(jobId);
    if (!running) return;
    log.info('job cancelled by the edge', { job: jobId, reason });
    running.abort.abort(new JobFailure('cancelled', reason));
  }

  /** Sends every completed-but-unacknowledged outcome (after a restart or a lost connection). */
  async flushPending(): Promise<void> {
    for (const entry of this.#outbox.pending()) await this.send(entry);
  }

  async send(entry: OutboxEntry): Promise<void> {
    if (!entry.outcome || this.#sending.has(entry.job_id)) return;
    this.#sending.add(entry.job_id);
    try {
      const outcome = entry.outcome;
      const res = await this.#client.completeJob({
        jobId: entry.job_id,
        leaseId: entry.lease_id,
        outcome:
          outcome.kind === 'result'
            ? { case: 'result', value: outcome.result }
            : {
                case: 'error',
                value: { code: outcome.code, message: outcome.message, retryable: outcome.retryable },
              },
      });
      this.#outbox.remove(entry.job_id);
      log.info(res.applied ? 'job outcome recorded' : 'job had already ended; outcome not applied', {
        job: entry.job_id,
        status: res.status,
      });
    } catch (error) {
      if (
        error instanceof ConnectError &&
        (error.code === Code.NotFound || error.code === Code.InvalidArgument)
      ) {
        this.#outbox.remove(entry.job_id);
        log.warn('the edge does not know this job or lease; dropping its outcome', {
          job: entry.job_id,
          reason: error.rawMessage,
        });
        return;
      }
      log.warn('could not send job outcome; kept in the outbox for the next connection', {
        job: entry.job_id,
        reason: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.#sending.delete(entry.job_id);
    }
  }

  async #run(job: Job): Promise<void> {
    const abort = new AbortController();
    const state: Running = { leaseId: job.leaseId, abort };
    this.#running.set(job.id, state);
    log.info('job started', { job: job.id, type: job.type, attempt: job.attempt });

    let progress = { message: '', percent: -1 };
    const lines: { seq: bigint; time: Date; stream: keyof typeof streams; text: string }[] = [];
    let nextSeq = 1n;
    const logsReady: Promise<void> = this.#client
      .appendLogs({ jobId: job.id, leaseId: job.leaseId, lines: [] })
      .then((res) => {
        // Continue numbering after what an earlier delivery of this job already stored.
        for (const line of lines) line.seq += res.storedThroughSeq;
        nextSeq += res.storedThroughSeq;
      })
      .catch(() => {});
    const flushLogs = async () => {
      await logsReady;
      if (lines.length === 0) return;
      const batch = lines.splice(0, lines.length);
      try {
        await this.#client.appendLogs({
          jobId: job.id,
          leaseId: state.leaseId,
          lines: batch.map((l) => ({
            seq: l.seq,
            time: timestampFromDate(l.time),
            stream: streams[l.stream],
            text: l.text,
          })),
        });
      } catch (error) {
        lines.unshift(...batch);
        log.debug('log lines not sent yet', { job: job.id, reason: String(error) });
      }
    };
    const redact = new Redactor();
    const ctx: ExecContext = {
      jobId: job.id,
      signal: abort.signal,
      log: (stream, text) => {
        lines.push({ seq: nextSeq++, time: new Date(), stream, text: redact.text(text) });
      },
      progress: (message, percent) => {
        progress = { message: redact.text(message), percent: percent ?? -1 };
      },
      fetchSecrets: async () => {
        const res = await this.#client.fetchJobSecrets({ jobId: job.id, leaseId: state.leaseId });
        redact.add(Object.values(res.values));
        return res.values;
      },
    };

    const leaseMs = job.leaseExpiresAt ? timestampDate(job.leaseExpiresAt).getTime() - Date.now() : 60_000;
    const renewEvery = Math.max(500, Math.floor(leaseMs / 3));
    const renew = setInterval(() => {
      void flushLogs();
      this.#client
        .reportProgress({
          jobId: job.id,
          leaseId: state.leaseId,
          message: progress.message,
          percent: progress.percent,
        })
        .then((res) => {
          if (res.cancelled) abort.abort(new JobFailure('cancelled', 'the job was cancelled'));
        })
        .catch((error) => log.debug('lease renewal failed', { job: job.id, reason: String(error) }));
    }, renewEvery);

    let outcome: Outcome;
    try {
      // The node owner's policy first (issue 20, H2): a refused job runs nothing at all.
      const denied = policyDenial(
        this.#policy(),
        { type: job.type, origin: job.origin, params: job.params ?? {} },
        { stacksDir: fileDirs().stacks, dockerHost: process.env.DOCKER_HOST },
      );
      if (denied) {
        log.warn("job refused by this node's policy", { job: job.id, type: job.type, reason: denied });
        ctx.log('system', `refused by this node's policy: ${denied}`);
        throw new JobFailure('policy_denied', denied);
      }
      const result = await Promise.race([
        execute(job.type, job.params ?? {}, ctx),
        new Promise<never>((_, reject) =>
          abort.signal.addEventListener('abort', () => reject(abort.signal.reason)),
        ),
      ]);
      outcome = { kind: 'result', result: redact.json(result) };
    } catch (error) {
      if (error instanceof JobFailure) {
        outcome = {
          kind: 'error',
          code: error.code,
          message: redact.text(error.message),
          retryable: error.retryable,
        };
      } else {
        const message = redact.text(error instanceof Error ? error.message : String(error));
        outcome = { kind: 'error', code: 'agent_error', message, retryable: false };
      }
    } finally {
      clearInterval(renew);
    }
    await flushLogs();
    const entry = this.#outbox.completed(job.id, state.leaseId, job.type, outcome);
    this.#running.delete(job.id);
    log.info('job finished', {
      job: job.id,
      outcome: outcome.kind === 'result' ? 'succeeded' : `failed (${outcome.code})`,
    });
    failpoint('after-execute');
    await this.send(entry);
  }
}
