/**
 * The HA drill of the multinode bench (issue 22): with the stack deployed and a request loop
 * against its web service on every node, the leader's node is killed with the fault API. Two
 * figures per drill: the service's failover window (the longest run of failed requests: what a
 * user of the service sees) and the control plane's (kill → another manager names a new leader).
 * The node is started again and the drill waits until it is a reachable manager before the next.
 */
import { requestLoop } from '../test/harness/request-loop.ts';
import { execInNode as inNode, onlineWorkers } from '../test/harness/sim.ts';
import { poll, type Stack } from '../test/harness/stack.ts';

export interface DrillResult {
  outageMs: number;
  electionMs: number;
  requests: number;
  failed: number;
}

interface Manager {
  container: string;
  simNodeId: string;
}

/** The manager whose node leads now (after a drill it is not the plan's leader any more). */
async function currentLeader(managers: readonly Manager[]) {
  const out = await inNode(
    managers[0]!.container,
    `docker node ls --format '{{.Hostname}} {{.ManagerStatus}}'`,
  );
  const host = out
    .split('\n')
    .find((l) => l.endsWith(' Leader'))
    ?.split(' ')[0];
  for (const m of managers) if ((await inNode(m.container, 'hostname')) === host) return { ...m, host };
  throw new Error(`no manager is the leader: ${out}`);
}

export async function haDrill(
  stack: Stack,
  simulationId: string,
  managers: readonly Manager[],
  ips: readonly string[],
): Promise<DrillResult> {
  const leader = await currentLeader(managers);
  const leaderHost = leader.host;
  const other = managers.find((m) => m.container !== leader.container)!.container;
  const loop = requestLoop(ips, 8080);
  await new Promise((r) => setTimeout(r, 2000));
  const killedAt = Date.now();
  const killed = await stack.api(`/api/v1/nodes/${leader.simNodeId}/faults`, { body: { kind: 'kill' } });
  if (killed.status !== 200)
    throw new Error(`kill answered ${killed.status}: ${JSON.stringify(killed.body)}`);
  try {
    await poll(
      async () => {
        const out = await inNode(other, `docker node ls --format '{{.Hostname}} {{.ManagerStatus}}'`).catch(
          () => '',
        );
        const line = out.split('\n').find((l) => l.endsWith(' Leader'));
        return line && !line.startsWith(`${leaderHost} `);
      },
      120_000,
      'a new leader',
    );
    const electionMs = Date.now() - killedAt;
    // Keep asking a while after the election: a window that opens late is counted too.
    await new Promise((r) => setTimeout(r, 5000));
    await loop.end();
    return {
      outageMs: loop.longestOutageMs,
      electionMs,
      requests: loop.ok + loop.failed.length,
      failed: loop.failed.length,
    };
  } finally {
    await loop.end();
    await stack.api(`/api/v1/nodes/${leader.simNodeId}/start`, { method: 'POST' });
    await poll(
      async () =>
        (
          await inNode(other, `docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'`).catch(
            () => '',
          )
        )
          .split('\n')
          .includes(`${leaderHost} Ready Reachable`),
      180_000,
      'the restarted node back as a reachable manager',
    );
    await onlineWorkers(stack, simulationId, 5);
  }
}
