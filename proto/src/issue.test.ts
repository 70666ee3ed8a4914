import { describe, expect, it } from 'vitest';
import { formatPath, issuesIn } from './issue.ts';

describe('formatPath', () => {
  it('joins keys and indexes like a JS accessor', () => {
    expect(formatPath(['ports', 0, 'host'], 'params')).toBe('params.ports[0].host');
    expect(formatPath([])).toBe('');
    expect(formatPath(['a'])).toBe('a');
  });
});

describe('issuesIn', () => {
  it('keeps the well-formed issues of a details list and nothing of other details', () => {
    expect(issuesIn([{ path: 'a', code: 'required', message: 'm' }, { path: 'b', message: 'n' }, 3])).toEqual(
      [
        { path: 'a', code: 'required', message: 'm' },
        { path: 'b', code: '', message: 'n' },
      ],
    );
    expect(issuesIn({ lock: { id: 'x' } })).toEqual([]);
    expect(issuesIn(undefined)).toEqual([]);
  });
});
