/**
 * The timezone step: /etc/timezone names the zone (Debian's tools read it) and /etc/localtime
 * links to its zoneinfo file (glibc and systemd read that). Running programs keep the zone they
 * started with until they restart.
 */
import { absent, type Host, StepError, type StepReport } from './host.ts';

export const zoneinfoDir = '/usr/share/zoneinfo';

export interface TimezoneState {
  /** /etc/timezone without its newline; null: no file. */
  name: string | null;
  /** /etc/localtime's link target; null: no file; '': a file, not a link. */
  localtime: string | null;
}

export function readTimezone(host: Host): TimezoneState {
  return { name: host.read('/etc/timezone')?.trim() ?? null, localtime: host.readLink('/etc/localtime') };
}

export function desiredTimezone(timezone: string): TimezoneState {
  return { name: timezone, localtime: `${zoneinfoDir}/${timezone}` };
}

export function renderTimezone(s: TimezoneState): string {
  const localtime = s.localtime === null ? absent : s.localtime === '' ? '(a file, not a link)' : s.localtime;
  return `/etc/timezone: ${s.name ?? absent}\n/etc/localtime -> ${localtime}\n`;
}

export async function timezoneStep(timezone: string, host: Host, dryRun: boolean): Promise<StepReport> {
  // The params allow no dots or leading slash, so the path stays under zoneinfo.
  if (!host.isFile(`${zoneinfoDir}/${timezone}`))
    throw new StepError(
      `unknown time zone "${timezone}": ${zoneinfoDir}/${timezone} does not exist (is tzdata installed?)`,
    );
  const before = readTimezone(host);
  const want = desiredTimezone(timezone);
  const changed = before.name !== want.name || before.localtime !== want.localtime;
  if (changed && !dryRun) {
    host.write('/etc/timezone', `${timezone}\n`);
    host.link('/etc/localtime', want.localtime as string);
  }
  return {
    step: 'timezone',
    changed,
    before: renderTimezone(before),
    after: renderTimezone(changed ? want : before),
    ...(changed ? { detail: 'running programs use the new zone when they restart' } : {}),
  };
}
