/** The secret store's envelope encryption: round trip, AAD binding, master key rotation. */
import { describe, expect, it } from 'vitest';
import { fromBase64url } from '../platform/ids.ts';
import { newDataKey, openValue, sealValue, unwrapDataKey, wrapDataKey } from './secret-crypto.ts';

const master = 'test-master-key-0123456789-abcdefghijklmnop';
const next = 'next-master-key-0123456789-abcdefghijklmnop';

describe('secret crypto', () => {
  it('a value round-trips, and the ciphertext does not hold it', async () => {
    const { raw } = await newDataKey(master, 'org_a');
    const sealed = await sealValue(raw, 'org_a', 'postgres/password', 's3cret-value');
    expect(new TextDecoder().decode(fromBase64url(sealed.ciphertext))).not.toContain('s3cret-value');
    expect(await openValue(raw, 'org_a', 'postgres/password', sealed)).toBe('s3cret-value');
  });

  it('another org or path (AAD) or data key fails', async () => {
    const { raw } = await newDataKey(master, 'org_a');
    const sealed = await sealValue(raw, 'org_a', 'postgres/password', 'v');
    await expect(openValue(raw, 'org_b', 'postgres/password', sealed)).rejects.toThrow();
    await expect(openValue(raw, 'org_a', 'postgres/other', sealed)).rejects.toThrow();
    const other = await newDataKey(master, 'org_a');
    await expect(openValue(other.raw, 'org_a', 'postgres/password', sealed)).rejects.toThrow();
  });

  it('a data key wrapped for one org does not unwrap for another', async () => {
    const { wrapped } = await newDataKey(master, 'org_a');
    await expect(unwrapDataKey([master], 'org_b', wrapped)).rejects.toThrow();
  });

  it('after a rotation the previous master key opens the data key (stale), and the rewrapped one opens with the new key alone', async () => {
    const { raw, wrapped } = await newDataKey(master, 'org_a');
    const sealed = await sealValue(raw, 'org_a', 'p', 'value-1');
    await expect(unwrapDataKey([next], 'org_a', wrapped)).rejects.toThrow(/no configured master key/);
    const opened = await unwrapDataKey([next, master], 'org_a', wrapped);
    expect(opened.stale).toBe(true);
    const rewrapped = await wrapDataKey(next, 'org_a', opened.raw);
    const again = await unwrapDataKey([next], 'org_a', rewrapped);
    expect(again.stale).toBe(false);
    expect(await openValue(again.raw, 'org_a', 'p', sealed)).toBe('value-1');
  });

  it('a 64 KiB value round-trips', async () => {
    const { raw } = await newDataKey(master, 'org_a');
    const big = 'x'.repeat(64 * 1024);
    expect(await openValue(raw, 'org_a', 'p', await sealValue(raw, 'org_a', 'p', big))).toBe(big);
  });
});
