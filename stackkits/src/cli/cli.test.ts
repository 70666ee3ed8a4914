import { afterAll, describe, expect, it } from 'vitest';
import { commandNames, parseCli, parseImages, UsageError } from './args.ts';
import { removeTempDirs, runCli, tempDir } from './testing.ts';
import { commandUsage } from './usage.ts';
import { cliVersion } from './version.ts';

afterAll(removeTempDirs);

describe('stackkit (global)', { timeout: 60_000 }, () => {
  it('version, --version and version --json', async () => {
    const cwd = tempDir();
    const plain = await runCli(['version'], { cwd });
    expect([plain.code, plain.stdout]).toEqual([0, `stackkit ${cliVersion()}\n`]);
    expect((await runCli(['--version'], { cwd })).stdout).toBe(`stackkit ${cliVersion()}\n`);
    const json = JSON.parse((await runCli(['version', '--json'], { cwd })).stdout);
    expect(json).toMatchObject({
      name: 'stackkit',
      version: cliVersion(),
      planFormat: 'kombify.plan/v1',
      jobPlanFormat: 'kombify.jobplan/v1',
    });
    expect(json.kits.map((k: { name: string }) => k.name)).toEqual([
      'base-homelab',
      'modern-homelab',
      'ha-homelab',
    ]);
  });

  it('help: no command is exit 2 with the usage; --help and <command> --help are exit 0', async () => {
    const cwd = tempDir();
    const none = await runCli([], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: stackkit <command>');
    const help = await runCli(['--help'], { cwd });
    expect(help.code).toBe(0);
    for (const c of commandNames) expect(help.stdout).toContain(`  ${c}`);
    expect(help.stdout).toContain('Exit codes: 0 success, 1 invalid input or a failed step, 2 usage error');
    const destroy = await runCli(['destroy', '-h'], { cwd });
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain('Usage: stackkit destroy');
    expect(destroy.stdout).toContain('--auto-approve');
    expect((await runCli(['help', 'init'], { cwd })).stdout).toContain('Usage: stackkit init <kit>');
  });

  it('usage errors exit 2: unknown command, unknown option, option of another command, -C not a directory', async () => {
    const cwd = tempDir();
    const cases: [string[], string][] = [
      [['deploy'], 'unknown command "deploy"'],
      [['validate', '--frobnicate'], "Unknown option '--frobnicate'"],
      [['validate', '--force'], 'option --force does not apply to "validate"'],
      [['validate', 'a.yaml', 'b.yaml'], '"validate" takes at most one argument'],
      [['-C', 'nope', 'validate'], '-C nope: not a directory'],
      [['plan', '--init-timeout', 'soon'], '--init-timeout wants a number of seconds'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { cwd });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const json = await runCli(['validate', '--force', '--json'], { cwd });
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      error: { code: 'usage', message: 'option --force does not apply to "validate"' },
    });
  });

  it('-C runs in another directory, wherever the options stand', async () => {
    const cwd = tempDir();
    expect((await runCli(['init', 'base-homelab', '-C', cwd], { cwd: '/' })).code).toBe(0);
    const r = await runCli(['-C', cwd, 'validate', '--json'], { cwd: '/' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).valid).toBe(true);
  });
});

describe('parseCli', () => {
  it('reads global and command options in any order', () => {
    const a = parseCli([
      '-q',
      'generate',
      '--mirror',
      'r.local:5000',
      '--image',
      'a=x:1',
      '--image',
      'b=y',
      '-C',
      'd',
    ]);
    expect(a).toMatchObject({
      command: 'generate',
      quiet: true,
      mirror: 'r.local:5000',
      chdir: 'd',
      images: { a: 'x:1', b: 'y' },
    });
  });

  it('rejects a service given twice to --image', () => {
    expect(() => parseImages(['a=x', 'a=y'])).toThrow(UsageError);
  });

  it('has help for every command', () => {
    for (const c of commandNames) expect(commandUsage[c]).toMatch(/^Usage: stackkit /);
  });
});
