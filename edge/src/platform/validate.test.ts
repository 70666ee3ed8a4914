import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError, errorBody } from './errors.ts';
import { readCappedText } from './validate.ts';

/** A tiny app that echoes the length of what readCappedText read, and maps its refusal. */
function echo(max: number) {
  const app = new Hono();
  app.post('/', async (c) => c.json({ length: (await readCappedText(c, max, 'the file')).length }));
  app.onError((err, c) =>
    err instanceof ApiError ? c.json(errorBody(err, 'test'), err.status) : c.text('boom', 500),
  );
  return app;
}

/** A body without Content-Length (chunked), in `chunks` pieces of `size` bytes, counting reads. */
function streamed(chunks: number, size: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
  return { body, pulled: () => pulled };
}

describe('readCappedText', () => {
  it('reads a body up to the cap', async () => {
    const res = await echo(10).request('/', { method: 'POST', body: 'abcdefghij' });
    expect(await res.json()).toEqual({ length: 10 });
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    const res = await echo(10).request('/', {
      method: 'POST',
      body: 'abcdefghijk',
      headers: { 'content-length': '11' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; details: { code: string }[] } };
    expect(body.error.message).toBe('the file is larger than 10 bytes');
    expect(body.error.details[0]!.code).toBe('too_large');
  });

  it('stops reading a chunked body soon after it passes the cap, never the whole of it', async () => {
    const { body, pulled } = streamed(100, 1024);
    const res = await echo(4 * 1024).request(
      new Request('http://edge.test/', { method: 'POST', body, duplex: 'half' } as RequestInit),
    );
    expect(res.status).toBe(400);
    // Five chunks pass the cap, at most the cap's worth more is read and dropped, then it is
    // cancelled: far from the hundred chunks sent.
    expect(pulled()).toBeLessThan(15);
    const ok = streamed(3, 1024);
    const fine = await echo(4 * 1024).request(
      new Request('http://edge.test/', { method: 'POST', body: ok.body, duplex: 'half' } as RequestInit),
    );
    expect(await fine.json()).toEqual({ length: 3 * 1024 });
  });
});
