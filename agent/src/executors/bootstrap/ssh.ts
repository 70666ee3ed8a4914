/**
 * The ssh-hardening step: a drop-in under /etc/ssh/sshd_config.d (Debian's and Ubuntu's
 * sshd_config include that directory first) with Port, PasswordAuthentication and PermitRootLogin.
 *
 * Never lock people out:
 * - `PasswordAuthentication no` is refused while no authorized_keys file has a key (root's count
 *   only while root may log in);
 * - the new file is checked with `sshd -t`, then `sshd -T` must show our values in effect (sshd
 *   keeps the first value it reads, so a file sorted before ours wins); otherwise the previous
 *   file is put back and the step fails, before sshd is reloaded; a dry run runs the same checks
 *   on a copy of the configuration (checkCopy), so it names what a real run would refuse;
 * - `ssh_keep_port` stays a second Port: Port lines add up, but a file with any Port replaces
 *   the implicit 22, so moving SSH would otherwise close the port the operator uses now.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { BootstrapStepParams } from '@kombify/proto/jobs';
import { absent, type Host, StepError, type StepReport } from './host.ts';

export type SshParams = Extract<BootstrapStepParams, { step: 'ssh-hardening' }>;

export const sshDropInPath = '/etc/ssh/sshd_config.d/50-kombify.conf';

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

/** The ports sshd must listen on: the step's and the one kept open, in that order. */
export function sshPorts(port: number, keepPort?: number): number[] {
  return keepPort === undefined || keepPort === port ? [port] : [port, keepPort];
}

export function sshDropIn(p: SshParams, keepPort?: number): string {
  const lines = [
    '# Managed by kombify (node.bootstrap, ssh-hardening step); edits are overwritten.',
    ...sshPorts(p.port, keepPort).map((port) => `Port ${port}`),
    `PasswordAuthentication ${yesNo(p.password_authentication)}`,
    // With PAM, keyboard-interactive asks for the same password: off too, or "no" means nothing.
    ...(p.password_authentication ? [] : ['KbdInteractiveAuthentication no']),
    `PermitRootLogin ${p.permit_root_login}`,
  ];
  return `${lines.join('\n')}\n`;
}

const hasKey = (text: string | null) =>
  text?.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? false;

/** Users with at least one key in ~/.ssh/authorized_keys who may log in. */
export function keyUsers(host: Host, permitRootLogin: SshParams['permit_root_login']): string[] {
  const users = host.list('/home').filter((u) => hasKey(host.read(`/home/${u}/.ssh/authorized_keys`)));
  if (permitRootLogin !== 'no' && hasKey(host.read('/root/.ssh/authorized_keys'))) users.unshift('root');
  return users;
}

export interface SshdEffective {
  ports: number[];
  passwordauthentication: string | null;
  permitrootlogin: string | null;
  pidfile: string | null;
}

/** `sshd -T` prints one lower-case `keyword value` per line, a line per Port. */
export function parseSshdDump(text: string): SshdEffective {
  const out: SshdEffective = {
    ports: [],
    passwordauthentication: null,
    permitrootlogin: null,
    pidfile: null,
  };
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/, 2);
    if (!key || value === undefined) continue;
    if (key === 'port') out.ports.push(Number(value));
    else if (key === 'passwordauthentication' || key === 'permitrootlogin' || key === 'pidfile')
      out[key] = value;
  }
  return out;
}

/** What differs between sshd's effective settings and the step's; empty when ours are in effect. */
export function effectiveMismatches(eff: SshdEffective, p: SshParams, keepPort?: number): string[] {
  const out: string[] = [];
  for (const port of sshPorts(p.port, keepPort))
    if (!eff.ports.includes(port)) out.push(`port ${port} is not among ${eff.ports.join(', ') || 'none'}`);
  if (eff.passwordauthentication !== yesNo(p.password_authentication))
    out.push(
      `passwordauthentication is ${eff.passwordauthentication} (want ${yesNo(p.password_authentication)})`,
    );
  // sshd -T names prohibit-password by its older alias.
  const permit = eff.permitrootlogin === 'without-password' ? 'prohibit-password' : eff.permitrootlogin;
  if (permit !== p.permit_root_login) out.push(`permitrootlogin is ${permit} (want ${p.permit_root_login})`);
  return out;
}

const firstLine = (text: string) => text.trim().split('\n').slice(0, 3).join(' ').slice(0, 400);

/**
 * Makes the running sshd read its configuration. systemd: `reload` (SIGHUP) of ssh.service, but
 * a socket-activated sshd (Ubuntu 22.10+) takes its ports from ssh.socket, which a generator
 * writes from sshd_config on daemon-reload. No systemd (simulated nodes run `sshd -D` from their
 * init): SIGHUP to the pid in sshd's PidFile; sshd re-executes itself with the new settings.
 */
async function reloadSshd(host: Host, pidfile: string | null): Promise<string> {
  const must = async (cmd: string, args: string[]) => {
    const res = await host.run(cmd, args);
    if (res.code !== 0) throw new StepError(`${cmd} ${args.join(' ')} failed: ${firstLine(res.stderr)}`);
  };
  if (host.isDirectory('/run/systemd/system')) {
    if ((await host.run('systemctl', ['is-active', '--quiet', 'ssh.socket'])).code === 0) {
      await must('systemctl', ['daemon-reload']);
      await must('systemctl', ['restart', 'ssh.socket']);
      return 'restarted ssh.socket';
    }
    if ((await host.run('systemctl', ['reload', 'ssh'])).code === 0) return 'reloaded ssh.service';
    await must('systemctl', ['reload', 'sshd']);
    return 'reloaded sshd.service';
  }
  const file = pidfile && pidfile !== 'none' ? pidfile : '/run/sshd.pid';
  const pid = host.read(file)?.trim() ?? '';
  if (!/^\d+$/.test(pid))
    throw new StepError(`sshd is not running (no pid in ${file}); the new settings are not loaded`);
  await must('kill', ['-HUP', pid]);
  return `sent SIGHUP to sshd (pid ${pid})`;
}

/**
 * `sshd -t` then `sshd -T` on a configuration (`args`: none for the node's own, `-f <file>` for a
 * copy); throws unless our settings would be the ones in effect. Returns sshd's PidFile.
 */
async function verify(host: Host, args: string[], p: SshParams, keepPort?: number): Promise<string | null> {
  const test = await host.run('sshd', ['-t', ...args]);
  if (test.code === 127) throw new StepError('sshd is not installed on this node (openssh-server)');
  if (test.code !== 0) throw new StepError(`sshd -t refused the configuration: ${firstLine(test.stderr)}`);
  const dump = await host.run('sshd', ['-T', ...args]);
  if (dump.code !== 0) throw new StepError(`sshd -T failed: ${firstLine(dump.stderr)}`);
  const eff = parseSshdDump(dump.stdout);
  const mismatches = effectiveMismatches(eff, p, keepPort);
  if (mismatches.length > 0)
    throw new StepError(
      `sshd would not use these settings: ${mismatches.join('; ')} — a file read before ${sshDropInPath} sets them (sshd keeps the first value it reads)`,
    );
  return eff.pidfile;
}

/** Writes the drop-in, checks it, reloads sshd; on any failure the previous file is back. */
async function apply(host: Host, p: SshParams, want: string, previous: string | null, keepPort?: number) {
  host.write(sshDropInPath, want);
  try {
    return await reloadSshd(host, await verify(host, [], p, keepPort));
  } catch (error) {
    host.restore(sshDropInPath, previous);
    throw error;
  }
}

const dropInDir = dirname(sshDropInPath);

/**
 * A dry run's check, without touching /etc/ssh: sshd reads a copy of sshd_config whose Include of
 * the drop-in directory points at a temp directory holding copies of its files and the new
 * drop-in, so an earlier file overriding ours (or a refused option) shows before a real run.
 * Other Includes stay as they are (sshd resolves relative ones against /etc/ssh, not the copy).
 */
async function checkCopy(host: Host, p: SshParams, want: string, keepPort?: number): Promise<void> {
  const main = host.read('/etc/ssh/sshd_config');
  // No main file: nothing to copy; a real run's `sshd -t` says what is wrong.
  if (main === null) return;
  const tmp = mkdtempSync(join(tmpdir(), 'kombify-sshd-'));
  try {
    const dir = join(tmp, 'sshd_config.d');
    mkdirSync(dir);
    for (const name of host.list(dropInDir)) {
      const text = name.endsWith('.conf') ? host.read(`${dropInDir}/${name}`) : null;
      if (text !== null) writeFileSync(join(dir, name), text);
    }
    writeFileSync(join(dir, basename(sshDropInPath)), want);
    const copy = main.replace(/^(\s*Include\s+)(.*)$/gim, (_line, keyword: string, paths: string) => {
      const moved = paths.split(/\s+/).map((path) => {
        for (const prefix of [`${dropInDir}/`, `${basename(dropInDir)}/`])
          if (path.startsWith(prefix)) return `${dir}/${path.slice(prefix.length)}`;
        return path;
      });
      return `${keyword}${moved.join(' ')}`;
    });
    const file = join(tmp, 'sshd_config');
    writeFileSync(file, copy);
    await verify(host, ['-f', file], p, keepPort);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function sshStep(
  p: SshParams,
  host: Host,
  dryRun: boolean,
  keepPort?: number,
): Promise<StepReport> {
  if (!p.password_authentication && keyUsers(host, p.permit_root_login).length === 0)
    throw new StepError(
      `refusing "PasswordAuthentication no": no authorized_keys file has a key${
        p.permit_root_login === 'no' ? ' (root may not log in, so its keys do not count)' : ''
      } (checked /root/.ssh/authorized_keys and /home/*/.ssh/authorized_keys), so nobody could log in`,
    );
  const previous = host.read(sshDropInPath);
  const want = sshDropIn(p, keepPort);
  const changed = previous !== want;
  if (changed && dryRun) await checkCopy(host, p, want, keepPort);
  const detail = changed && !dryRun ? await apply(host, p, want, previous, keepPort) : undefined;
  return {
    step: 'ssh-hardening',
    changed,
    before: previous ?? absent,
    after: want,
    ...(detail ? { detail } : {}),
  };
}
