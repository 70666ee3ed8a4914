import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { ExecContext } from '../context.ts';
import { ensureImages } from './images.ts';

/** An engine whose registry is unreachable: every pull fails the way Docker reports it. */
function offlineDocker() {
  const pulled: string[] = [];
  const docker = {
    pull: async (image: string) => {
      pulled.push(image);
      throw new Error('(HTTP code 500) server error - dial tcp: lookup registry: no such host\nmore');
    },
  } as unknown as Docker;
  return { docker, pulled };
}

function context() {
  const logs: string[] = [];
  const ctx: ExecContext = {
    jobId: 'j',
    signal: new AbortController().signal,
    log: (_stream, text) => logs.push(text),
    progress: () => {},
    fetchSecrets: async () => ({}),
  };
  return { ctx, logs };
}

describe('ensureImages', () => {
  it('pulls nothing when every image is present (missing) and refuses a missing one (never)', async () => {
    const { docker, pulled } = offlineDocker();
    const { ctx } = context();
    await ensureImages(docker, ['a:1', 'a:1'], { 'a:1': 'sha256:a' }, 'missing', ctx);
    await ensureImages(docker, ['a:1'], { 'a:1': 'sha256:a' }, 'never', ctx);
    expect(pulled).toEqual([]);
    await expect(ensureImages(docker, ['b:1'], {}, 'never', ctx)).rejects.toMatchObject({
      code: 'image_unavailable',
      retryable: false,
      message: 'image "b:1" is not on this node and pulling is off (pull: never)',
    });
  });

  it('fails a missing image that cannot be pulled with the first line of the reason', async () => {
    const { docker, pulled } = offlineDocker();
    const { ctx } = context();
    await expect(ensureImages(docker, ['b:1'], {}, 'missing', ctx)).rejects.toMatchObject({
      code: 'image_unavailable',
      message:
        'image "b:1" is not on this node and could not be pulled: (HTTP code 500) server error - dial tcp: lookup registry: no such host',
    });
    expect(pulled).toEqual(['b:1']);
  });

  it('always pulls, and keeps the local image when the pull fails', async () => {
    const { docker, pulled } = offlineDocker();
    const { ctx, logs } = context();
    await ensureImages(docker, ['a:1'], { 'a:1': 'sha256:a' }, 'always', ctx);
    expect(pulled).toEqual(['a:1']);
    expect(logs.at(-1)).toMatch(/^could not pull a:1 \(.*\); using the image already on this node$/);
    await expect(ensureImages(docker, ['b:1'], {}, 'always', ctx)).rejects.toMatchObject({
      code: 'image_unavailable',
    });
  });
});
