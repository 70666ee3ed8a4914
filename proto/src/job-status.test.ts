import { describe, expect, it } from 'vitest';
import { isTerminal, jobStatuses } from './job-status.ts';

describe('isTerminal', () => {
  it('is true exactly for succeeded, failed and cancelled', () => {
    expect(jobStatuses.filter(isTerminal)).toEqual(['succeeded', 'failed', 'cancelled']);
    // A workflow's copy of a job has statuses of its own (pending, dispatched): not terminal.
    expect(isTerminal('dispatched')).toBe(false);
  });
});
