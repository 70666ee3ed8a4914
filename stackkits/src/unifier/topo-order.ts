/**
 * Dependency order from `needs`: an iterative depth-first search in declaration order, so the
 * result is deterministic (dependencies first, otherwise the order services were declared in) and
 * linear in services + needs. Every back edge is a cycle; it is returned with the path that closes
 * it, starting at the service the search entered the cycle from.
 */

export interface Cycle {
  /** Vertices around the cycle; the first is repeated at the end (a → b → a). */
  path: number[];
  /** The edge that closes the cycle: from vertex, position in its edge list. */
  from: number;
  edge: number;
}

/** Stop collecting cycles after this many; a spec with more has one mistake repeated. */
const maxCycles = 20;

/**
 * @param size number of vertices
 * @param edges edges of a vertex as target indexes; -1 for an edge to ignore (keeps positions)
 */
export function topoSort(
  size: number,
  edges: (v: number) => readonly number[],
): { order: number[]; cycles: Cycle[] } {
  const state = new Uint8Array(size); // 0 new, 1 on the current path, 2 done
  const stackPos = new Int32Array(size);
  const order: number[] = [];
  const cycles: Cycle[] = [];
  const stack: { v: number; next: number }[] = [];
  for (let start = 0; start < size; start++) {
    if (state[start] !== 0) continue;
    state[start] = 1;
    stackPos[start] = 0;
    stack.push({ v: start, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const out = edges(top.v);
      if (top.next < out.length) {
        const k = top.next++;
        const w = out[k]!;
        if (w < 0 || w >= size) continue;
        if (state[w] === 0) {
          state[w] = 1;
          stackPos[w] = stack.length;
          stack.push({ v: w, next: 0 });
        } else if (state[w] === 1 && cycles.length < maxCycles) {
          const path = stack.slice(stackPos[w]).map((f) => f.v);
          path.push(w);
          cycles.push({ path, from: top.v, edge: k });
        }
      } else {
        state[top.v] = 2;
        order.push(top.v);
        stack.pop();
      }
    }
  }
  return { order, cycles };
}
