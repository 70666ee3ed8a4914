/**
 * A node for the bootstrap tests: a temp directory as its root and a `run` that answers the
 * commands the steps use (dpkg-query, sshd, systemctl, kill, nft) from a little state, the way
 * the real programs would. Only the tests import it.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CommandResult, RunCommand } from './host.ts';
import { sshDropInPath } from './ssh.ts';

const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
const fail = (stderr: string, code = 1): CommandResult => ({ code, stdout: '', stderr });
const missing = (cmd: string): CommandResult => ({ code: 127, stdout: '', stderr: `${cmd}: not found` });

export class FakeNode {
  readonly root = mkdtempSync(join(tmpdir(), 'kombify-bootstrap-'));
  readonly calls: string[] = [];
  /** Programs that are not installed. */
  readonly notInstalled = new Set<string>();
  unattendedUpgrades = true;
  /** What `sshd -t` says; null: the configuration is fine. */
  sshdTestError: string | null = null;
  /** Settings an earlier sshd config file fixes (sshd keeps the first value it reads). */
  sshdEarlier: Record<string, string> = {};
  /** The ruleset text the kernel has for table inet kombify; null: not loaded. */
  nftLoaded: string | null = null;
  nftCheckError: string | null = null;
  /** The sshd_config copies a dry run had sshd read (`sshd -f`), with their drop-in files. */
  readonly sshdCopies: { config: string; dropIns: string[] }[] = [];

  constructor() {
    this.file('/usr/share/zoneinfo/Etc/UTC', 'TZif2');
    this.file('/usr/share/zoneinfo/UTC', 'TZif2');
    this.file('/usr/share/zoneinfo/Europe/Berlin', 'TZif2');
    this.file('/etc/timezone', 'Etc/UTC\n');
    symlinkSync('/usr/share/zoneinfo/Etc/UTC', this.path('/etc/localtime'));
    mkdirSync(this.path('/etc/apt/apt.conf.d'), { recursive: true });
    this.file('/root/.ssh/authorized_keys', 'ssh-ed25519 AAAAC3Nza root@laptop\n');
    this.file('/run/sshd.pid', '4242\n');
    this.file(
      '/etc/docker/daemon.json',
      '{"registry-mirrors": ["http://10.0.0.1:5000"], "log-driver": "journald"}\n',
    );
  }

  path(nodePath: string): string {
    return join(this.root, nodePath);
  }

  file(nodePath: string, text: string): void {
    mkdirSync(dirname(this.path(nodePath)), { recursive: true });
    writeFileSync(this.path(nodePath), text);
  }

  read(nodePath: string): string | null {
    try {
      return readFileSync(this.path(nodePath), 'utf8');
    } catch {
      return null;
    }
  }

  systemd(): void {
    mkdirSync(this.path('/run/systemd/system'), { recursive: true });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** `sshd -T`: the drop-in's settings (lower-case), after the earlier file's, defaults last. */
  #sshdDump(dropIn: string): string {
    const settings: Record<string, string> = { ...this.sshdEarlier };
    const ports: string[] = [];
    for (const line of dropIn.split('\n')) {
      const [key, value] = line.split(' ');
      if (!key || !value || key.startsWith('#')) continue;
      if (key === 'Port') ports.push(value);
      else settings[key.toLowerCase()] ??= value === 'prohibit-password' ? 'without-password' : value;
    }
    if (ports.length === 0) ports.push('22');
    settings.passwordauthentication ??= 'yes';
    settings.permitrootlogin ??= 'without-password';
    settings.pidfile ??= '/run/sshd.pid';
    return [...ports.map((p) => `port ${p}`), ...Object.entries(settings).map(([k, v]) => `${k} ${v}`)].join(
      '\n',
    );
  }

  readonly run: RunCommand = async (cmd, args) => {
    this.calls.push([cmd, ...args].join(' '));
    if (this.notInstalled.has(cmd)) return missing(cmd);
    const line = args.join(' ');
    switch (cmd) {
      case 'dpkg-query':
        return this.unattendedUpgrades
          ? ok('install ok installed')
          : fail('dpkg-query: no packages found matching unattended-upgrades');
      case 'sshd': {
        // `-f <copy>` (a dry run): the copy's drop-in directory sits beside it.
        const copy = args[1] === '-f' ? args[2] : undefined;
        if (copy !== undefined)
          this.sshdCopies.push({
            config: readFileSync(copy, 'utf8'),
            dropIns: readdirSync(join(dirname(copy), 'sshd_config.d')).sort(),
          });
        const dropIn = copy
          ? readFileSync(join(dirname(copy), 'sshd_config.d', basename(sshDropInPath)), 'utf8')
          : (this.read(sshDropInPath) ?? '');
        if (args[0] === '-t') return this.sshdTestError ? fail(this.sshdTestError, 255) : ok();
        if (args[0] === '-T') return ok(this.#sshdDump(dropIn));
        break;
      }
      case 'systemctl':
        if (line === 'is-active --quiet ssh.socket') return fail('', 3);
        if (line === 'reload ssh') return ok();
        break;
      case 'kill':
        return line === '-HUP 4242' ? ok() : fail('kill: no such process');
      case 'nft':
        if (line === '--version') return ok('nftables v1.0.6');
        if (line === 'list table inet kombify')
          return this.nftLoaded !== null ? ok(this.nftLoaded) : fail('Error: No such file or directory');
        if (line === 'delete table inet kombify') {
          this.nftLoaded = null;
          return ok();
        }
        if (args[0] === '-c' && args[1] === '-f') {
          readFileSync(args[2] as string, 'utf8'); // the file must exist while nft checks it
          return this.nftCheckError ? fail(this.nftCheckError) : ok();
        }
        if (args[0] === '-f') {
          this.nftLoaded = readFileSync(args[1] as string, 'utf8');
          return ok();
        }
        break;
    }
    return fail(`fake node: unexpected command ${cmd} ${line}`);
  };
}
