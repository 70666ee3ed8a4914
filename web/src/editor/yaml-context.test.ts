import { describe, expect, it } from 'vitest';
import { contextAt, formatPath, shapeOf } from './yaml-context.ts';

/** The context where `‸` is in `text` (the marker is removed). */
function at(text: string) {
  const offset = text.indexOf('‸');
  const doc = text.slice(0, offset) + text.slice(offset + 1);
  const lines = doc.split('\n');
  const row = doc.slice(0, offset).split('\n').length - 1;
  const column = offset - doc.lastIndexOf('\n', offset - 1) - 1;
  return contextAt(lines, row, column);
}

const spec = `name: lab
kit: base-homelab
nodes:
  - name: server
    type: main
  - name: worker-1
    type: worker
    ssh:
      host: 10.0.0.2
network:
  domain: home.example.com
`;

describe('shapeOf', () => {
  it('finds entry markers, the key and the value without its comment', () => {
    expect(shapeOf('  - name: server # the box')).toMatchObject({
      dashes: [2],
      content: 4,
      key: 'name',
      value: 'server',
    });
    expect(shapeOf('image: nginx:1.25')).toMatchObject({ key: 'image', value: 'nginx:1.25' });
    expect(shapeOf('"odd key": 1')).toMatchObject({ key: 'odd key', value: '1' });
    expect(shapeOf('  # only a comment').blank).toBe(true);
    expect(shapeOf('- - a')).toMatchObject({ dashes: [0, 2], content: 4, value: 'a' });
    expect(shapeOf('- - a').key).toBeUndefined();
  });
});

describe('contextAt', () => {
  it('a value at the top level: the key is the path', () => {
    expect(at('name: lab\nkit: base‸\n')).toEqual({
      path: ['kit'],
      kind: 'value',
      from: 5,
      prefix: 'base',
      siblings: [],
    });
    expect(at('kit: ‸')).toMatchObject({ path: ['kit'], kind: 'value', prefix: '' });
  });

  it('a key at the top level, with the keys already there', () => {
    expect(at('name: lab\nki‸\nnodes:\n  - name: a\n')).toEqual({
      path: [],
      kind: 'key',
      from: 0,
      prefix: 'ki',
      siblings: ['name', 'nodes'],
    });
  });

  it('keys and values inside sequence entries carry the entry index', () => {
    const lines = spec.split('\n');
    expect(contextAt(lines, 4, 10)).toMatchObject({ path: ['nodes', 0, 'type'], kind: 'value' });
    expect(contextAt(lines, 6, 14)).toMatchObject({ path: ['nodes', 1, 'type'], prefix: 'work' });
    expect(contextAt(lines, 8, 16)).toMatchObject({ path: ['nodes', 1, 'ssh', 'host'] });
    expect(contextAt(lines, 8, 10)).toMatchObject({ path: ['nodes', 1, 'ssh'], kind: 'key', prefix: 'host' });
    expect(contextAt(lines, 10, 14)).toMatchObject({
      path: ['network', 'domain'],
      kind: 'value',
      prefix: 'home',
    });
  });

  it('a new key in an entry sees the entry’s keys only', () => {
    expect(at('nodes:\n  - name: a\n    type: main\n  - name: b\n    ‸\n')).toMatchObject({
      path: ['nodes', 1],
      kind: 'key',
      siblings: ['name'],
    });
    expect(at('nodes:\n  - name: a\n    type: main\n  - ‸\n')).toMatchObject({
      path: ['nodes', 1],
      kind: 'key',
      siblings: [],
    });
  });

  it('a sequence written at its key’s indentation', () => {
    expect(at('nodes:\n- name: a\n- name: b\n  type: w‸\n')).toMatchObject({
      path: ['nodes', 1, 'type'],
      kind: 'value',
      prefix: 'w',
    });
  });

  it('a nested mapping key', () => {
    expect(at('system:\n  timezone: UTC\n  o‸')).toMatchObject({
      path: ['system'],
      kind: 'key',
      prefix: 'o',
      siblings: ['timezone'],
    });
  });

  it('nothing in comments, block scalars, flow collections and quoted values', () => {
    expect(at('# kit: ‸').kind).toBe('none');
    expect(at('services:\n  - name: x\n    command: |\n      echo ‸').kind).toBe('none');
    expect(at('nodes: [{name: ‸').kind).toBe('none');
    expect(at('name: "lab‸').kind).toBe('none');
    expect(at('kit: base # a comment ‸').kind).toBe('none');
  });
});

describe('formatPath', () => {
  it('reads like the edge’s problem paths', () => {
    expect(formatPath(['nodes', 0, 'type'])).toBe('nodes[0].type');
    expect(formatPath([])).toBe('');
  });
});
