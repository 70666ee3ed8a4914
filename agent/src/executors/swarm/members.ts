/**
 * The members' labels and roles as the plan says, on the leader. The whole change is judged
 * against the Raft quorum first (quorum.ts), then promotions are applied before demotions so the
 * manager count never dips on the way. Members the plan dropped (`leaving`) are drained and
 * demoted here, last; they leave with their own agent's swarm.leave (only a node can leave
 * cleanly) and the leader's swarm.forget removes their entries. A node of this stack that is in
 * neither list is reported, not touched.
 */
import type { SwarmServicesParams, SwarmServicesResult } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { LABEL } from '../converge/labels.ts';
import { JobFailure } from '../job-error.ts';
import { updateNode } from './node-update.ts';
import { membersNow, quorumRefusal, type RoleChange, type SwarmNode } from './quorum.ts';

type Member = SwarmServicesParams['members'][number];

export interface MemberPlan {
  nodes: SwarmServicesResult['nodes'];
  notes: string[];
}

const planLabels = (m: Member, stack: string) => ({
  ...m.labels,
  [LABEL.node]: m.node,
  [LABEL.stack]: stack,
});

function sameSpec(node: SwarmNode, m: Member, stack: string) {
  const labels = planLabels(m, stack);
  const current = node.Spec.Labels ?? {};
  return (
    node.Spec.Role === m.role &&
    Object.keys(labels).length === Object.keys(current).length &&
    Object.entries(labels).every(([k, v]) => current[k] === v)
  );
}

/** A member's swarm node: by the id its join reported, else (the plan step) by its plan label. */
function find(nodes: readonly SwarmNode[], m: Member, stack: string) {
  if (m.node_id) return nodes.find((n) => n.ID === m.node_id);
  return nodes.find((n) => n.Spec.Labels?.[LABEL.node] === m.node && n.Spec.Labels?.[LABEL.stack] === stack);
}

/**
 * What applying the members would change, refusing (quorum_loss) a change that would lose the
 * quorum. `strict` (a run) needs every member in the swarm; the plan step skips those not joined.
 */
export function judgeMembers(nodes: readonly SwarmNode[], params: SwarmServicesParams, strict: boolean) {
  const now = membersNow(nodes);
  const matched: { member: Member; node: SwarmNode }[] = [];
  for (const m of params.members) {
    const node = find(nodes, m, params.stack);
    if (node) matched.push({ member: m, node });
    else if (strict)
      throw new JobFailure(
        'invalid_params',
        m.node_id
          ? `members: ${m.node}'s node ${m.node_id} is not in this swarm`
          : `members: ${m.node} has no node_id (it did not join)`,
      );
  }
  const ours = nodes.filter((n) => n.Spec.Labels?.[LABEL.stack] === params.stack);
  const leaving = ours.filter((n) => params.leaving.includes(n.Spec.Labels?.[LABEL.node] ?? ''));
  const changes: RoleChange[] = [
    ...matched.map(({ member, node }) => ({ id: node.ID, role: member.role })),
    ...leaving.map((n) => ({ id: n.ID, role: 'worker' as const })),
  ];
  const refusal = quorumRefusal(now, changes);
  if (refusal) throw new JobFailure('quorum_loss', refusal);
  const ids = new Set([...matched.map((x) => x.node.ID), ...leaving.map((n) => n.ID)]);
  const notes = leaving.map(
    (n) =>
      `${n.Spec.Labels?.[LABEL.node]} leaves the swarm: drained${n.Spec.Role === 'manager' ? ' and demoted' : ''} here, then it leaves and the leader forgets it`,
  );
  notes.push(
    ...ours
      .filter((n) => !ids.has(n.ID))
      .map(
        (n) =>
          `${n.Spec.Labels?.[LABEL.node] ?? n.Description?.Hostname ?? n.ID} is in this stack's swarm but no longer in its plan: it is left as it is (run \`docker swarm leave\` on it, then \`docker node rm\` on a manager)`,
      ),
  );
  return { matched, leaving, notes };
}

export async function applyMembers(docker: Docker, params: SwarmServicesParams): Promise<MemberPlan> {
  const nodes = (await docker.listNodes()) as SwarmNode[];
  const { matched, leaving, notes } = judgeMembers(nodes, params, true);
  // Promotions first: the manager count only ever grows before it shrinks.
  const order = [...matched].sort((a, b) => rank(a) - rank(b));
  const changedIds = new Set<string>();
  for (const { member, node } of order) {
    if (sameSpec(node, member, params.stack)) continue;
    await updateNode(docker, node.ID, (spec) => ({
      ...spec,
      Labels: planLabels(member, params.stack),
      Role: member.role,
    }));
    changedIds.add(node.ID);
  }
  // Last, so the members are in their roles first: tasks leave a drained node for the others.
  for (const node of leaving) {
    if (node.Spec.Role === 'worker' && node.Spec.Availability === 'drain') continue;
    await updateNode(docker, node.ID, (spec) => ({ ...spec, Role: 'worker', Availability: 'drain' }));
  }
  return {
    nodes: matched.map(({ member, node }) => ({
      node: member.node,
      node_id: node.ID,
      role: member.role,
      changed: changedIds.has(node.ID),
    })),
    notes,
  };
}

/** The plan step's view of the members: what a run would change, nothing touched. */
export async function planMembers(docker: Docker, params: SwarmServicesParams): Promise<MemberPlan> {
  const nodes = (await docker.listNodes()) as SwarmNode[];
  const { matched, notes } = judgeMembers(nodes, params, false);
  return {
    nodes: matched.map(({ member, node }) => ({
      node: member.node,
      node_id: node.ID,
      role: member.role,
      changed: !sameSpec(node, member, params.stack),
    })),
    notes,
  };
}

const rank = ({ member, node }: { member: Member; node: SwarmNode }) =>
  member.role === 'manager' && node.Spec.Role !== 'manager' ? 0 : member.role === node.Spec.Role ? 1 : 2;
