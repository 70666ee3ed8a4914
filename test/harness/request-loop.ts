/**
 * A client of a Swarm service without the routing mesh: 20 requests a second until `end()`, each
 * sent to every node's address at once (as a DNS name with one A record per node gives) and
 * counted as answered when any node answers 200 within 1 s. Used by the HA drills of the swarm
 * e2e and the multinode bench.
 */
export interface RequestLoop {
  readonly ok: number;
  /** When each failed request was sent (ms since the epoch). */
  readonly failed: number[];
  /** The longest run of failed requests, first failure → the next answered request (ms; 0: none). */
  readonly longestOutageMs: number;
  end(): Promise<void>;
}

export function requestLoop(ips: readonly string[], port: number): RequestLoop {
  const state = { stop: false, ok: 0, failed: [] as number[], outageStart: 0, longest: 0 };
  const ask = () =>
    Promise.any(
      ips.map(async (ip) => {
        const res = await fetch(`http://${ip}:${port}/`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${ip}: ${res.status}`);
      }),
    ).then(
      () => true,
      () => false,
    );
  const looping = (async () => {
    while (!state.stop) {
      const tick = Date.now();
      if (await ask()) {
        state.ok++;
        if (state.outageStart) state.longest = Math.max(state.longest, Date.now() - state.outageStart);
        state.outageStart = 0;
      } else {
        state.failed.push(tick);
        if (!state.outageStart) state.outageStart = tick;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 50 - (Date.now() - tick))));
    }
    if (state.outageStart) state.longest = Math.max(state.longest, Date.now() - state.outageStart);
  })();
  return {
    get ok() {
      return state.ok;
    },
    get failed() {
      return state.failed;
    },
    get longestOutageMs() {
      return state.longest;
    },
    async end() {
      state.stop = true;
      await looping;
    },
  };
}
