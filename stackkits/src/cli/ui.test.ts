import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Io, Ui, useColor } from './ui.ts';

function fakeIo(tty: boolean, env: Record<string, string> = {}): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { isTTY: tty, write: (c: string) => out.push(c) },
    stderr: { isTTY: tty, write: (c: string) => err.push(c) },
    stdin: new PassThrough(),
    env,
    cwd: '/',
  };
}

describe('Ui', () => {
  it('colours only a terminal, and not with NO_COLOR or --no-color', () => {
    expect(useColor({ write() {}, isTTY: true }, {})).toBe(true);
    expect(useColor({ write() {}, isTTY: false }, {})).toBe(false);
    expect(useColor({ write() {}, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ write() {}, isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColor({ write() {}, isTTY: true }, {}, true)).toBe(false);
  });

  it('a step on a terminal is a spinner line that ends as ✓ label (time)', () => {
    const io = fakeIo(true);
    const step = new Ui(io).step('Checking');
    step.update('ports');
    step.log('a line');
    step.succeed('done');
    const text = io.err.join('');
    expect(text).toContain('\r\u001b[2K');
    expect(text).toContain('a line\n');
    expect(text).toMatch(/✓.*Checking: done .*\(\d+ms\)/);
  });

  it('elsewhere a step is plain lines without escape codes', () => {
    const io = fakeIo(false);
    const step = new Ui(io).step('Checking');
    step.update('ports');
    step.fail('2 failed');
    expect(io.err.join('')).toMatch(/^Checking…\n✗ Checking: 2 failed \(\d+ms\)\n$/);
  });

  it('-q hides progress and info but not errors or results; --json keeps stdout for the document', () => {
    const io = fakeIo(false);
    const ui = new Ui(io, { quiet: true });
    ui.step('x').succeed();
    ui.info('info');
    ui.print('result');
    ui.error('bad');
    expect(io.out.join('')).toBe('result\n');
    expect(io.err.join('')).toBe('error: bad\n');

    const json = fakeIo(false);
    const jui = new Ui(json, { json: true });
    jui.print('human');
    jui.result({ a: 1 });
    expect(JSON.parse(json.out.join(''))).toEqual({ a: 1 });
  });
});
