/**
 * The Raft arithmetic behind a role change: Swarm's managers keep working while more than half of
 * them are reachable. Demoting a reachable manager shrinks both sides of that count, so it can
 * lose the quorum when other managers are already unreachable (five managers, two down: demoting
 * two of the three left leaves one of three). Swarm refuses some of these itself, but only half-way
 * through a run; this judges the whole change first, so the plan step and the run refuse it before
 * anything changes. Promotions are judged too, in the order they are applied (promotions first).
 */

import { LABEL } from '../converge/labels.ts';

/** A node as the Engine API lists it, the parts the swarm executors read. */
export interface SwarmNode {
  ID: string;
  Version: { Index: number };
  Description?: { Hostname?: string };
  Spec: { Labels?: Record<string, string>; Role: string; Availability: string; Name?: string };
  Status?: { State?: string };
  ManagerStatus?: { Reachability?: string };
}

export interface SwarmMemberNow {
  /** Swarm node id. */
  id: string;
  /** The plan's name (label kombify.node), else the hostname: what a message names. */
  name: string;
  role: 'manager' | 'worker';
  /** Manager reachability as the leader sees it; a worker's is ignored. */
  reachable: boolean;
}

export interface RoleChange {
  id: string;
  role: 'manager' | 'worker';
}

export const quorumOf = (managers: number) => Math.floor(managers / 2) + 1;

/** The quorum's view of listed nodes, each named by its plan label, else its hostname. */
export function membersNow(nodes: readonly SwarmNode[]): SwarmMemberNow[] {
  return nodes.map((n) => ({
    id: n.ID,
    name: n.Spec.Labels?.[LABEL.node] ?? n.Description?.Hostname ?? n.ID,
    role: n.Spec.Role === 'manager' ? 'manager' : 'worker',
    reachable: n.ManagerStatus?.Reachability === 'reachable',
  }));
}

/** Why the change would lose the quorum, or null when every step of it keeps one. */
export function quorumRefusal(now: readonly SwarmMemberNow[], changes: readonly RoleChange[]): string | null {
  const managers = now.filter((n) => n.role === 'manager');
  const reachable = managers.filter((n) => n.reachable).length;
  if (managers.length > 0 && reachable < quorumOf(managers.length))
    return `the swarm has no quorum now: ${reachable} of ${managers.length} managers reachable, ${quorumOf(managers.length)} needed; bring the unreachable managers back before changing roles`;
  const byId = new Map(now.map((n) => [n.id, n]));
  const changed = changes.filter((c) => byId.get(c.id) && byId.get(c.id)!.role !== c.role);
  const demoted = changed.filter((c) => c.role === 'worker').map((c) => byId.get(c.id)!);
  if (demoted.length === 0) return null;
  // After the promotions (a promoted node joins Raft reachable) and then every demotion.
  const promoted = changed.length - demoted.length;
  const after = managers.length + promoted - demoted.length;
  const reachableAfter = reachable + promoted - demoted.filter((d) => d.reachable).length;
  if (after === 0) return `demoting ${names(demoted)} would leave the swarm without a manager`;
  if (reachableAfter < quorumOf(after)) {
    const down = managers.filter((n) => !n.reachable);
    return `demoting ${names(demoted)} would lose the Raft quorum: ${after} manager${after === 1 ? '' : 's'} left, ${reachableAfter} reachable, ${quorumOf(after)} needed${down.length > 0 ? ` (${names(down)} unreachable)` : ''}; bring the unreachable managers back first`;
  }
  return null;
}

const names = (nodes: readonly SwarmMemberNow[]) => nodes.map((n) => n.name).join(', ');
