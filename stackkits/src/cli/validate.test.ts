import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatSpecError } from './context.ts';
import { removeTempDirs, runCli, tempDir } from './testing.ts';

afterAll(removeTempDirs);

const invalid = `name: Bad_Name
nodes:
  - name: server
    type: boss
    ssh:
      host: 192.0.2.1
      port: 99999
`;

describe('stackkit validate', () => {
  it('prints file:line:column code path message for each problem and exits 1', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'bad.yaml'), invalid);
    const r = await runCli(['validate', 'bad.yaml'], { cwd });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('bad.yaml:'));
    expect(lines).toEqual([
      expect.stringMatching(/^bad\.yaml:1:7 invalid_format name must be a DNS label/),
      expect.stringMatching(/^bad\.yaml:4:11 invalid_value nodes\[0\]\.type "boss" is not a valid type/),
      expect.stringMatching(/^bad\.yaml:7:13 out_of_range nodes\[0\]\.ssh\.port must be at most 65535/),
    ]);
    expect(r.stderr).toContain('bad.yaml is not valid: 3 problems');
    expect(r.stdout).toBe('');
  });

  it('--json: {valid, file, errors: [{path, code, message, line, column}]}', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kombination.yaml'), invalid);
    const r = await runCli(['validate', '--json'], { cwd });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.file).toBe('kombination.yaml');
    expect(
      doc.errors.map((e: { path: string; code: string; line: number; column: number }) => [
        e.path,
        e.code,
        e.line,
        e.column,
      ]),
    ).toEqual([
      ['name', 'invalid_format', 1, 7],
      ['nodes[0].type', 'invalid_value', 4, 11],
      ['nodes[0].ssh.port', 'out_of_range', 7, 13],
    ]);
    for (const e of doc.errors)
      expect(Object.keys(e).sort()).toEqual(['code', 'column', 'line', 'message', 'path']);
  });

  it('a YAML syntax error is a parse_error at <root> with the position', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'kombination.yaml'), 'name: lab\nnodes: [\n');
    const r = await runCli(['validate'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kombination\.yaml:\d+:\d+ parse_error <root> /m);
  });

  it('a missing spec is exit 1 with a hint; -s picks another file', async () => {
    const cwd = tempDir();
    const r = await runCli(['validate'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no spec at kombination.yaml (write one with: stackkit init <kit>)');
    writeFileSync(join(cwd, 'other.yaml'), 'name: lab\nnodes:\n  - name: server\n    type: main\n');
    const ok = await runCli(['-s', 'other.yaml', 'validate'], { cwd });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('other.yaml is valid: stack lab, kit base-homelab (variant minimal), 1 node');
    const quiet = await runCli(['validate', 'other.yaml', '-q'], { cwd });
    expect([quiet.code, quiet.stdout]).toEqual([0, '']);
  });

  it('formats an error without a position at 1:1', () => {
    expect(formatSpecError('k.yaml', { path: '', code: 'parse_error', message: 'm' })).toBe(
      'k.yaml:1:1 parse_error <root> m',
    );
  });
});
