import { describe, expect, it } from 'vitest';
import { splitSecretOutputs } from './job-secret-outputs.ts';

describe('splitSecretOutputs', () => {
  const result = {
    swarm_id: 'sw1',
    node_id: 'n1',
    advertise_address: '10.0.0.11',
    created: true,
    join_tokens: { manager: 'SWMTKN-1-m', worker: 'SWMTKN-1-w' },
  };

  it('takes a swarm.init’s join tokens out of its result, to paths made from its own params', () => {
    const out = splitSecretOutputs('swarm.init', { stack: 'stk_a' }, result);
    expect(out.secrets).toEqual({
      'swarm/stk_a/join-manager': 'SWMTKN-1-m',
      'swarm/stk_a/join-worker': 'SWMTKN-1-w',
    });
    expect(out.result).toEqual({
      swarm_id: 'sw1',
      node_id: 'n1',
      advertise_address: '10.0.0.11',
      created: true,
    });
    expect(JSON.stringify(out.result)).not.toContain('SWMTKN');
  });

  it('writes nowhere a result asks: other job types keep their result as it is', () => {
    const out = splitSecretOutputs('stack.converge', { stack: 'stk_a' }, result);
    expect(out.secrets).toEqual({});
    expect(out.result).toBe(result);
  });

  it('ignores token fields that are not strings', () => {
    const out = splitSecretOutputs(
      'swarm.init',
      { stack: 'stk_a' },
      { ...result, join_tokens: { manager: 7, worker: '' } },
    );
    expect(out.secrets).toEqual({});
    expect(out.result).not.toHaveProperty('join_tokens');
  });
});
