import { describe, expect, it } from 'vitest';
import { terminateWatcher } from './ws-proxy.ts';

function startup(code = 196608): Buffer {
  const body = Buffer.from('user\0postgres\0\0');
  const b = Buffer.alloc(8 + body.length);
  b.writeInt32BE(8 + body.length, 0);
  b.writeInt32BE(code, 4);
  body.copy(b, 8);
  return b;
}

function message(type: string, payload = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(5 + payload.length);
  b.write(type, 0);
  b.writeInt32BE(4 + payload.length, 1);
  payload.copy(b, 5);
  return b;
}

function sslRequest(): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8, 0);
  b.writeInt32BE(80877103, 4);
  return b;
}

describe('terminateWatcher', () => {
  it('sees a Terminate after the startup message and queries', () => {
    const watch = terminateWatcher();
    expect(watch(startup())).toBe(false);
    expect(watch(message('Q', Buffer.from('select 1\0')))).toBe(false);
    expect(watch(message('X'))).toBe(true);
  });

  it('is not fooled by an X inside a query, and handles split chunks', () => {
    const watch = terminateWatcher();
    const all = Buffer.concat([
      sslRequest(),
      startup(),
      message('Q', Buffer.from('X\0\0\0\x04\0')),
      message('X'),
    ]);
    let seen = false;
    for (let i = 0; i < all.length; i += 3) {
      const hit = watch(all.subarray(i, i + 3));
      if (i + 3 < all.length) expect(hit).toBe(false);
      seen = seen || hit;
    }
    expect(seen).toBe(true);
  });
});
