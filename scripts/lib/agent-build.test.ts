/** The runtime tarball's gzip layout, which install.sh's parallel decode relies on. */
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipInMembers, gzipMemberStarts } from './agent-build.ts';

describe('gzipInMembers', () => {
  const input = Buffer.concat([randomBytes(200_000), Buffer.alloc(300_000, 7)]);

  it('is one gzip stream to any reader, of the asked number of members', () => {
    const out = gzipInMembers(input, 4);
    expect(gunzipSync(out).equals(input)).toBe(true);
    const starts = gzipMemberStarts(out);
    expect(starts).toHaveLength(4);
    expect(starts[0]).toBe(0);
    // Each member decodes on its own: what the installer's one gzip per member does.
    const pieces = starts.map((start, i) => gunzipSync(out.subarray(start, starts[i + 1] ?? out.length)));
    expect(Buffer.concat(pieces).equals(input)).toBe(true);
  });

  it('is the same bytes for the same input', () => {
    expect(gzipInMembers(input, 4).equals(gzipInMembers(input, 4))).toBe(true);
  });
});

describe('gzipMemberStarts', () => {
  it('finds a member header wherever it occurs, so the build can refuse a stray one', () => {
    const header = gzipInMembers(Buffer.from('x'), 1).subarray(0, 10);
    const data = Buffer.concat([header, Buffer.alloc(50), header, Buffer.from([1, 2, 3])]);
    expect(gzipMemberStarts(data)).toEqual([0, 60]);
    // Another OS byte or a set flag is not the header install.sh looks for.
    const other = Buffer.from(header);
    other[9] = 0x0b;
    expect(gzipMemberStarts(other)).toEqual([]);
  });
});
