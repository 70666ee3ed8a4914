import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { waitForService } from './wait.ts';

/** A fake engine whose service inspect walks through the given update statuses, one per call. */
function engine(statuses: ({ State: string; StartedAt: string } | undefined)[]) {
  let i = 0;
  const running = [1, 2].map(() => ({ DesiredState: 'running', Status: { State: 'running' } }));
  return {
    getService: () => ({
      inspect: async () => ({
        Spec: { Mode: { Replicated: { Replicas: 2 } } },
        UpdateStatus: statuses[Math.min(i++, statuses.length - 1)],
      }),
    }),
    listTasks: async () => running,
  } as unknown as Docker;
}

const wait = (docker: Docker, before: string | null | undefined, replaces?: boolean) =>
  waitForService(docker, 'web', 30, new AbortController().signal, () => {}, before, replaces);

describe('waiting for a Swarm service update', () => {
  it('does not take the status Swarm cleared for the end of this update, and fails on its rollback', async () => {
    // The old tasks keep running (2/2) while the update that replaces them fails and rolls back.
    const docker = engine([
      undefined,
      { State: 'updating', StartedAt: 't2' },
      { State: 'rollback_completed', StartedAt: 't2' },
    ]);
    await expect(wait(docker, 't1', true)).rejects.toMatchObject({ code: 'swarm_update_rolled_back' });
  });

  it('does not take the previous update’s end for this one', async () => {
    const docker = engine([
      { State: 'completed', StartedAt: 't1' },
      { State: 'updating', StartedAt: 't2' },
      { State: 'completed', StartedAt: 't2' },
    ]);
    let calls = 0;
    const counting = {
      ...docker,
      getService: (n: string) => {
        calls++;
        return docker.getService(n);
      },
    } as unknown as Docker;
    await expect(wait(counting, 't1', true)).resolves.toBe('2/2');
    expect(calls).toBe(3);
  });

  it('judges an update that replaces no task by its tasks alone', async () => {
    await expect(wait(engine([{ State: 'completed', StartedAt: 't1' }]), 't1', false)).resolves.toBe('2/2');
  });
});
