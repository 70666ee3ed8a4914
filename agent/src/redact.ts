/**
 * Masks the secret values a job fetched wherever the job's text leaves the agent (log lines,
 * progress, the outcome). A backstop: executors never print values, but a tool's error message
 * might echo one (e.g. a database client quoting its connection string).
 */
export const MASK = '[redacted]';

export class Redactor {
  readonly #values = new Set<string>();

  /** Values shorter than 4 characters would mask ordinary text; they are not worth hiding by search. */
  add(values: Iterable<string>): void {
    for (const v of values) if (v.length >= 4) this.#values.add(v);
  }

  text(s: string): string {
    let out = s;
    // Longest first, so a value that contains another is masked whole.
    for (const v of [...this.#values].sort((a, b) => b.length - a.length)) out = out.split(v).join(MASK);
    return out;
  }

  /** A JSON value with every string masked (keys too: a map keyed by a value is still a leak). */
  json<T>(value: T): T {
    if (this.#values.size === 0) return value;
    return JSON.parse(this.text(JSON.stringify(value))) as T;
  }
}
