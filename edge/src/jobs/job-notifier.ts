/**
 * Tells a job's submitter that the job ended (job-notice.ts, notice-delivery.ts), reliably: the notice is in the
 * outbox (notice-store.ts) before the job can end, delivery is tried at once when it ends, and a
 * delivery that fails — or never finishes because the object went away — is tried again from the
 * object's alarm with a backoff. Receivers apply a notice once, so a repeat is harmless.
 */
import { type JobNotify, jobEnd } from './job-notice.ts';
import { getJob, type JobDb } from './job-store.ts';
import { deliverNotice, type NoticeDeps } from './notice-delivery.ts';
import * as notices from './notice-store.ts';

/** If the immediate delivery has not been recorded by then, the alarm tries again. */
const GRACE_MS = 30_000;
const MAX_ATTEMPTS = 20;
const retryDelayMs = (attempts: number) => Math.min(600_000, 1000 * 2 ** attempts);

export class JobNotifier {
  readonly #sql: JobDb;
  readonly #deps: NoticeDeps;
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(sql: JobDb, deps: NoticeDeps) {
    this.#sql = sql;
    this.#deps = deps;
  }

  /** Records who to tell when the job ends (written with the job, in the same turn). */
  remember(jobId: string, target: JobNotify): void {
    notices.addNotice(this.#sql, jobId, target);
  }

  /** The job ended: deliver its notice now. Resolves when the attempt is over; never rejects. */
  ended(jobId: string, now: number): Promise<void> {
    const notice = notices.getNotice(this.#sql, jobId);
    if (!notice || notice.deliveredAt !== null) return Promise.resolve();
    notices.markDue(this.#sql, jobId, now + GRACE_MS);
    return this.#deliver(jobId);
  }

  /** Whether the job's notice is being delivered right now. */
  delivering(jobId: string): boolean {
    return this.#inFlight.has(jobId);
  }

  /** The alarm's part: delivers every notice that is due again. */
  async retryDue(now: number): Promise<void> {
    await Promise.all(notices.dueNotices(this.#sql, now).map((n) => this.#deliver(n.jobId)));
  }

  nextDueAt(): number | null {
    return notices.nextNoticeAt(this.#sql);
  }

  #deliver(jobId: string): Promise<void> {
    const running = this.#inFlight.get(jobId);
    if (running) return running;
    const attempt = this.#attempt(jobId).finally(() => this.#inFlight.delete(jobId));
    this.#inFlight.set(jobId, attempt);
    return attempt;
  }

  async #attempt(jobId: string): Promise<void> {
    const notice = notices.getNotice(this.#sql, jobId);
    const job = getJob(this.#sql, jobId);
    const end = job ? jobEnd(job) : null;
    if (!notice || notice.deliveredAt !== null || !end) return;
    try {
      await deliverNotice(this.#deps, notice.target, jobId, end);
      notices.markDelivered(this.#sql, jobId, Date.now());
    } catch (error) {
      const attempts = notice.attempts + 1;
      const retryAt = attempts >= MAX_ATTEMPTS ? null : Date.now() + retryDelayMs(attempts);
      notices.markFailed(this.#sql, jobId, retryAt, String(error));
      const next =
        retryAt === null ? 'giving up' : `retrying in ${Math.round((retryAt - Date.now()) / 1000)} s`;
      console.warn(`could not tell ${notice.target.kind} that job ${jobId} ended (${next}):`, error);
    }
  }
}
