import { describe, expect, it } from 'vitest';
import { topoSort } from './topo-order.ts';

describe('topoSort', () => {
  it('puts dependencies first and otherwise keeps the given order', () => {
    // 0 needs 2, 1 needs nothing, 2 needs 3, 3 needs nothing
    const edges = [[2], [], [3], []];
    expect(topoSort(4, (v) => edges[v]!)).toEqual({ order: [3, 2, 0, 1], cycles: [] });
  });

  it('ignores -1 edges and reports each cycle with the edge that closes it', () => {
    const edges = [[1], [2, -1], [0], [3]];
    const { order, cycles } = topoSort(4, (v) => edges[v]!);
    expect(order).toHaveLength(4);
    expect(cycles).toEqual([
      { path: [0, 1, 2, 0], from: 2, edge: 0 },
      { path: [3, 3], from: 3, edge: 0 },
    ]);
  });

  it('is linear: a chain of 100 000 does not recurse', () => {
    const n = 100_000;
    const { order } = topoSort(n, (v) => (v + 1 < n ? [v + 1] : []));
    expect(order[0]).toBe(n - 1);
    expect(order.at(-1)).toBe(0);
  });
});
