/** An expected job failure: a code the edge records, a message for people, and whether a retry may help. */
export class JobFailure extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, retryable = false) {
    super(message);
    this.name = 'JobFailure';
    this.code = code;
    this.retryable = retryable;
  }
}
