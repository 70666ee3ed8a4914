import { describe, expect, it } from 'vitest';
import { MASK, Redactor } from './redact.ts';

describe('Redactor', () => {
  it('masks every occurrence of a fetched value in text and JSON, longest first', () => {
    const r = new Redactor();
    expect(r.text('nothing fetched yet: hunter22')).toBe('nothing fetched yet: hunter22');
    r.add(['hunter22', 'hunter22-long']);
    expect(r.text('password=hunter22-long; again hunter22')).toBe(`password=${MASK}; again ${MASK}`);
    expect(r.json({ message: 'auth hunter22 failed', list: ['hunter22'] })).toEqual({
      message: `auth ${MASK} failed`,
      list: [MASK],
    });
  });

  it('does not mask values so short they would garble ordinary text', () => {
    const r = new Redactor();
    r.add(['a', 'ok']);
    expect(r.text('a job went ok')).toBe('a job went ok');
  });
});
