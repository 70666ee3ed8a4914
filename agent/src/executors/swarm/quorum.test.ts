import { parseJobParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { judgeMembers } from './members.ts';
import { quorumRefusal, type SwarmMemberNow } from './quorum.ts';

const manager = (id: string, reachable = true): SwarmMemberNow => ({
  id,
  name: id,
  role: 'manager',
  reachable,
});
const worker = (id: string): SwarmMemberNow => ({ id, name: id, role: 'worker', reachable: false });

describe('the quorum judge', () => {
  it('lets five managers with all reachable become three', () => {
    const now = ['a', 'b', 'c', 'd', 'e'].map((id) => manager(id));
    expect(
      quorumRefusal(now, [
        { id: 'd', role: 'worker' },
        { id: 'e', role: 'worker' },
      ]),
    ).toBeNull();
  });

  it('refuses demoting two reachable managers of five while two others are down, naming them', () => {
    const now = [manager('a'), manager('b'), manager('c'), manager('d', false), manager('e', false)];
    const refusal = quorumRefusal(now, [
      { id: 'b', role: 'worker' },
      { id: 'c', role: 'worker' },
    ]);
    expect(refusal).toMatch(
      /demoting b, c would lose the Raft quorum: 3 managers left, 1 reachable, 2 needed/,
    );
    expect(refusal).toMatch(/\(d, e unreachable\)/);
  });

  it('lets an unreachable manager be demoted: that only helps the count', () => {
    const now = [manager('a'), manager('b'), manager('c', false), manager('d'), manager('e')];
    expect(
      quorumRefusal(now, [
        { id: 'c', role: 'worker' },
        { id: 'e', role: 'worker' },
      ]),
    ).toBeNull();
  });

  it('counts promotions, applied first, toward the quorum', () => {
    // Three managers, one down: demoting a reachable one alone loses it; promoting a worker too keeps it.
    const now = [manager('a'), manager('b'), manager('c', false), worker('w')];
    expect(quorumRefusal(now, [{ id: 'b', role: 'worker' }])).toMatch(/would lose the Raft quorum/);
    expect(
      quorumRefusal(now, [
        { id: 'b', role: 'worker' },
        { id: 'w', role: 'manager' },
      ]),
    ).toBeNull();
  });

  it('refuses any role change while the swarm has no quorum, and never leaves it without a manager', () => {
    const lost = [manager('a'), manager('b', false), manager('c', false), worker('w')];
    expect(quorumRefusal(lost, [{ id: 'w', role: 'manager' }])).toMatch(
      /no quorum now: 1 of 3 managers reachable, 2 needed/,
    );
    expect(quorumRefusal([manager('a')], [{ id: 'a', role: 'worker' }])).toMatch(/without a manager/);
  });

  it('leaves a change of nothing alone', () => {
    expect(quorumRefusal([manager('a'), worker('w')], [{ id: 'w', role: 'worker' }])).toBeNull();
  });
});

const node = (id: string, name: string, role: string, reach: string | null, stack = 'st') => ({
  ID: id,
  Version: { Index: 1 },
  Description: { Hostname: `host-${id}` },
  Spec: { Labels: { 'kombify.node': name, 'kombify.stack': stack }, Role: role, Availability: 'active' },
  ...(reach ? { ManagerStatus: { Reachability: reach } } : {}),
});

describe('judging the members on the leader', () => {
  const params = (members: { node: string; role: string; node_id?: string }[]) => {
    const parsed = parseJobParams('swarm.services', { stack: 'st', members, services: [] });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return parsed.value as never;
  };
  const nodes = [
    node('1', 'm1', 'manager', 'reachable'),
    node('2', 'm2', 'manager', 'reachable'),
    node('3', 'm3', 'manager', 'unreachable'),
    node('4', 'w1', 'worker', null),
    node('5', 'w2', 'worker', null),
  ];

  it('refuses a quorum-losing plan as quorum_loss before anything changes', () => {
    const p = params([
      { node: 'm1', role: 'manager' },
      { node: 'm2', role: 'worker' },
      { node: 'm3', role: 'manager' },
    ]);
    expect(() => judgeMembers(nodes, p, false)).toThrow(
      expect.objectContaining({ code: 'quorum_loss', message: expect.stringMatching(/demoting m2/) }),
    );
  });

  it('names a node of this stack the plan dropped, and ignores other stacks’ nodes', () => {
    const p = params([
      { node: 'm1', role: 'manager' },
      { node: 'm2', role: 'manager' },
      { node: 'm3', role: 'manager' },
      { node: 'w1', role: 'worker' },
    ]);
    const { notes, matched } = judgeMembers([...nodes, node('6', 'x', 'worker', null, 'other')], p, false);
    expect(matched.map((m) => m.node.ID)).toEqual(['1', '2', '3', '4']);
    expect(notes).toEqual([expect.stringMatching(/^w2 is in this stack's swarm but no longer in its plan/)]);
  });

  it('in a run, refuses a member whose node id is not in the swarm', () => {
    const p = params([{ node: 'm1', role: 'manager', node_id: 'nope' }]);
    expect(() => judgeMembers(nodes, p, true)).toThrow(/m1's node nope is not in this swarm/);
  });
});
