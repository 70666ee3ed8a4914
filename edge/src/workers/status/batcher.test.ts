import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.ts';

describe('Batcher', () => {
  it('writes the first item at once and batches what arrives meanwhile', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const batcher = new Batcher<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
    }, 3);
    const first = batcher.add(1);
    const rest = [2, 3, 4, 5].map((n) => batcher.add(n));
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('fails only the caller whose item cannot be written', async () => {
    let hold: Promise<void> | null = new Promise<void>((r) => setTimeout(r, 10));
    const batcher = new Batcher<string>(async (items) => {
      const wait = hold;
      hold = null;
      if (wait) await wait;
      if (items.includes('bad')) throw new Error('bad item');
    }, 10);
    const results = await Promise.allSettled(['first', 'ok', 'bad', 'fine'].map((i) => batcher.add(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });
});
