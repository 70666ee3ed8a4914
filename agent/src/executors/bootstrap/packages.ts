/**
 * The packages step: unattended upgrades on or off. apt's daily timer reads APT::Periodic from
 * /etc/apt/apt.conf.d; 20auto-upgrades is the file `dpkg-reconfigure unattended-upgrades` writes,
 * so we own the same file rather than adding a second one that could contradict it.
 */
import { absent, type Host, StepError, type StepReport } from './host.ts';

export const autoUpgradesPath = '/etc/apt/apt.conf.d/20auto-upgrades';

export function autoUpgradesFile(enabled: boolean): string {
  const v = enabled ? '1' : '0';
  return [
    '// Managed by kombify (node.bootstrap, packages step): unattended upgrades.',
    `APT::Periodic::Update-Package-Lists "${v}";`,
    `APT::Periodic::Unattended-Upgrade "${v}";`,
    '',
  ].join('\n');
}

/** Whether dpkg has the unattended-upgrades package installed (not merely known or removed). */
async function unattendedUpgradesInstalled(host: Host): Promise<boolean> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not JavaScript's.
  const res = await host.run('dpkg-query', ['-W', '-f=${Status}', 'unattended-upgrades']);
  if (res.code === 127)
    throw new StepError('dpkg-query is not available: only Debian and Ubuntu nodes are supported');
  return res.code === 0 && res.stdout.trim().endsWith('install ok installed');
}

export async function packagesStep(autoUpdates: boolean, host: Host, dryRun: boolean): Promise<StepReport> {
  if (!host.isDirectory('/etc/apt')) {
    if (autoUpdates)
      throw new StepError('this node has no apt (/etc/apt): unattended upgrades need Debian or Ubuntu');
    // Nothing on this node runs apt's timers, so "off" already holds.
    const current = host.read(autoUpgradesPath) ?? absent;
    return {
      step: 'packages',
      changed: false,
      before: current,
      after: current,
      detail: 'no apt on this node: nothing to turn off',
    };
  }
  if (autoUpdates && !(await unattendedUpgradesInstalled(host)))
    throw new StepError(
      'automatic updates are on but the unattended-upgrades package is not installed (apt-get install unattended-upgrades)',
    );
  const before = host.read(autoUpgradesPath);
  const want = autoUpgradesFile(autoUpdates);
  const changed = before !== want;
  if (changed && !dryRun) host.write(autoUpgradesPath, want);
  return { step: 'packages', changed, before: before ?? absent, after: want };
}
