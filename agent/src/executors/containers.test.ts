import { describe, expect, it } from 'vitest';
import { logLineSplitter } from './containers.ts';

/** One frame of Docker's multiplexed log stream: type (1 stdout, 2 stderr), 3 zero bytes, size. */
function frame(type: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = type;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe('logLineSplitter', () => {
  it('splits multiplexed frames into whole lines per stream, across chunk boundaries', () => {
    const out: [string, string][] = [];
    const s = logLineSplitter(false, (stream, line) => out.push([stream, line]));
    const all = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err 1\n'), frame(1, 'o\nthree')]);
    // Fed in awkward pieces: a header split in two, a frame split mid-body.
    for (const cut of [
      [0, 3],
      [3, 11],
      [11, 20],
      [20, all.length],
    ] as const)
      s.push(all.subarray(...cut));
    s.end();
    expect(out).toEqual([
      ['stdout', 'one'],
      ['stderr', 'err 1'],
      ['stdout', 'two'],
      ['stdout', 'three'],
    ]);
  });

  it('takes a TTY container’s raw bytes as stdout and drops carriage returns', () => {
    const out: [string, string][] = [];
    const s = logLineSplitter(true, (stream, line) => out.push([stream, line]));
    s.push(Buffer.from('a\r\nb'));
    s.end();
    expect(out).toEqual([
      ['stdout', 'a'],
      ['stdout', 'b'],
    ]);
  });
});
