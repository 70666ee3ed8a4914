import { describe, expect, it } from 'vitest';
import { maxSpecBytes, readYaml } from './yaml-source.ts';

describe('readYaml', () => {
  it('treats empty values as not set and keeps everything else', () => {
    const { data, errors } = readYaml(
      'name: lab\nkit:\nnodes:\n  - name: a\n    ssh: ~\n    labels: { x: "1" }\n',
    );
    expect(errors).toEqual([]);
    expect(data).toEqual({ name: 'lab', nodes: [{ name: 'a', labels: { x: '1' } }] });
  });

  it('expands aliases', () => {
    const { data } = readYaml('res: &big { cpu: 8 }\nnodes:\n  - resources: *big\n');
    expect(data).toEqual({ res: { cpu: 8 }, nodes: [{ resources: { cpu: 8 } }] });
  });

  it('refuses a document that expands into too many values (billion laughs)', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      text += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    const { data, errors } = readYaml(text);
    expect(data).toBeUndefined();
    expect(errors).toEqual([
      expect.objectContaining({
        path: '',
        code: 'parse_error',
        message: expect.stringContaining('more than 250000 values'),
      }),
    ]);
  });

  it('refuses absurd nesting without overflowing the stack', () => {
    const { data, errors } = readYaml(`a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(data).toBeUndefined();
    expect(errors[0]?.code).toBe('parse_error');
  });

  it('keeps a "__proto__" key as an own property, never a prototype', () => {
    const { data } = readYaml('__proto__: { polluted: true }\nname: lab\n');
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data as object)).toEqual(['__proto__', 'name']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('refuses mapping keys that are collections', () => {
    const { errors } = readYaml('? [a, b]\n: value\n');
    expect(errors).toEqual([
      {
        path: '',
        code: 'parse_error',
        message: 'mapping keys must be plain words or strings',
        line: 1,
        column: 3,
      },
    ]);
  });

  it('refuses oversized text before parsing it', () => {
    const { errors } = readYaml(`name: ${'x'.repeat(maxSpecBytes)}`);
    expect(errors[0]?.message).toBe('the spec is larger than 4 MiB');
  });

  it('reports what the document is when it is not a mapping', () => {
    expect(readYaml('[1, 2]\n').errors[0]?.message).toBe(
      'the spec must be a YAML mapping (name: …, nodes: …), not a list',
    );
    expect(readYaml('42\n').errors[0]?.message).toBe(
      'the spec must be a YAML mapping (name: …, nodes: …), not a number',
    );
    expect(readYaml('').errors[0]?.message).toMatch(/^the spec is empty/);
  });

  it('locates paths: values, keys, and the nearest parent', () => {
    const source = readYaml('name: lab\nnodes:\n  - name: a\n    ssh:\n      port: 99\n');
    expect(source.locate(['nodes', 0, 'ssh', 'port'])).toEqual({ line: 5, column: 13 });
    expect(source.locate(['nodes', 0, 'ssh', 'port'], 'key')).toEqual({ line: 5, column: 7 });
    expect(source.locate(['nodes', 0, 'ssh', 'host'])).toEqual({ line: 5, column: 7 });
    expect(source.locate(['nodes', 3, 'name'])).toEqual({ line: 3, column: 3 });
    expect(source.locate([])).toEqual({ line: 1, column: 1 });
  });
});
