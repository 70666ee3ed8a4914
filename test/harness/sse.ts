/** Server-Sent Events for tests: read a stream until its `end` message. */
import type { Stack } from './stack.ts';

/** Reads an SSE response until `end` (or `max` messages); returns the messages. */
export async function readSse(
  stack: Stack,
  path: string,
  headers: Record<string, string> = {},
  max = 10_000,
) {
  const res = await fetch(`${stack.edgeUrl}${path}`, {
    headers: { authorization: `Bearer ${stack.adminToken}`, ...headers },
  });
  if (res.status !== 200 || !res.headers.get('content-type')?.includes('text/event-stream')) {
    throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const out: { id: string; event: string; data: any }[] = [];
  while (out.length < max) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim() ?? '';
      if (block.trim())
        out.push({ id: field('id'), event: field('event'), data: JSON.parse(field('data') || 'null') });
      cut = buffer.indexOf('\n\n');
    }
    if (out.at(-1)?.event === 'end') break;
  }
  await reader.cancel().catch(() => {});
  return out;
}
