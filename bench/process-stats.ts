/**
 * Memory and CPU of processes from /proc (Linux): the resident set size and the CPU time used,
 * summed over a set of pids. The benchmarks use it for workerd, the Workers runtime under
 * `wrangler dev`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat times (100 on Linux almost everywhere). */
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const pageBytes = Number(execFileSync('getconf', ['PAGESIZE']).toString().trim()) || 4096;

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const rest = stat.slice(close + 2).split(' ');
    return { pid, ppid: Number(rest[1]), comm };
  } catch {
    return null;
  }
}

/** Every descendant of `root` whose command name starts with `name`. */
export function descendantsNamed(root: number, name: string): number[] {
  const procs = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is Proc => p !== null);
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (child.comm.startsWith(name)) found.push(child.pid);
      walk(child.pid);
    }
  };
  walk(root);
  return found;
}

export interface Usage {
  rssBytes: number;
  /** CPU seconds (user + system) used so far. */
  cpuSeconds: number;
}

export function usage(pids: readonly number[]): Usage {
  let rssBytes = 0;
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After comm: state(0) ppid(1) … utime(11) stime(12) … rss(21), in pages.
      ticks += Number(rest[11]) + Number(rest[12]);
      rssBytes += Number(rest[21]) * pageBytes;
    } catch {}
  }
  return { rssBytes, cpuSeconds: ticks / clockTicks };
}

/** CPU use in percent of one core over a window, and the RSS at its end. */
export async function usageOver(
  pids: readonly number[],
  windowMs: number,
): Promise<{ cpuPercent: number; rssMb: number }> {
  const before = usage(pids);
  const started = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const after = usage(pids);
  const seconds = (performance.now() - started) / 1000;
  return {
    cpuPercent: ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100,
    rssMb: after.rssBytes / (1024 * 1024),
  };
}
