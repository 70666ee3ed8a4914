/**
 * `.env` text and `${VAR}` interpolation as the Compose Specification defines them
 * ("Interpolation"): `$VAR`, `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}`
 * (unset), `${VAR:?message}` / `${VAR?message}` (required), `${VAR:+alt}` / `${VAR+alt}`, and `$$`
 * for a literal `$`. Defaults may themselves hold `${…}`. Values are interpolated, keys are not.
 */
import type { PathSegments } from '../spec/errors.ts';

export type Variables = ReadonlyMap<string, string>;

const nameStart = /[A-Za-z_]/;
const nameChar = /[A-Za-z0-9_]/;

/** Parses `.env` text: `KEY=value`, `export KEY=value`, quotes, `#` comments. */
export function parseEnvText(text: string): {
  vars: Map<string, string>;
  problems: { line: number; message: string }[];
} {
  const vars = new Map<string, string>();
  const problems: { line: number; message: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      problems.push({ line: i + 1, message: `"${key}" is not a variable name` });
      continue;
    }
    if (eq < 0) continue; // `KEY` alone: taken from the shell by docker compose; nothing here.
    let value = line.slice(eq + 1).trimStart();
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      // A quoted value may span lines: read on until the closing quote.
      let body = value.slice(1);
      let end = findClose(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        i++;
        body += `\n${lines[i]}`;
        end = findClose(body, quote);
      }
      if (end < 0) {
        problems.push({ line: i + 1, message: `the value of ${key} has no closing ${quote}` });
        continue;
      }
      value = body.slice(0, end);
      if (quote === '"')
        value = value.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
    } else {
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash);
      value = value.trimEnd();
    }
    vars.set(key, value);
  }
  return { vars, problems };
}

function findClose(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && quote === '"') i++;
    else if (body[i] === quote) return i;
  }
  return -1;
}

export interface InterpolationIssue {
  path: PathSegments;
  kind: 'error' | 'unset';
  message: string;
}

/** Interpolates every string value of `data` (not keys). Returns new data; never throws. */
export function interpolateData(
  data: unknown,
  vars: Variables,
  issues: InterpolationIssue[],
  path: (string | number)[] = [],
): unknown {
  if (typeof data === 'string') return interpolate(data, vars, path, issues);
  if (Array.isArray(data)) return data.map((v, i) => interpolateData(v, vars, issues, [...path, i]));
  if (typeof data === 'object' && data !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) {
      Object.defineProperty(out, k, {
        value: interpolateData(v, vars, issues, [...path, k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return data;
}

/** One string. Unset variables without a default become "" and are reported (`unset`). */
export function interpolate(
  text: string,
  vars: Variables,
  path: PathSegments,
  issues: InterpolationIssue[],
): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        issues.push({ path, kind: 'error', message: `unclosed \${ in ${JSON.stringify(text)}` });
        return out + text.slice(i);
      }
      out += expand(text.slice(i + 2, end), vars, path, issues);
      i = end + 1;
    } else if (next !== undefined && nameStart.test(next)) {
      let j = i + 1;
      while (j < text.length && nameChar.test(text[j]!)) j++;
      out += lookup(text.slice(i + 1, j), vars, path, issues);
      i = j;
    } else {
      out += '$';
      i++;
    }
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function lookup(name: string, vars: Variables, path: PathSegments, issues: InterpolationIssue[]): string {
  const value = vars.get(name);
  if (value === undefined) {
    issues.push({ path, kind: 'unset', message: `variable ${name} is not set: it became an empty string` });
    return '';
  }
  return value;
}

function expand(body: string, vars: Variables, path: PathSegments, issues: InterpolationIssue[]): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!match) {
    issues.push({ path, kind: 'error', message: `\${${body}} is not a valid substitution` });
    return '';
  }
  const [, name, op, rest = ''] = match as unknown as [
    string,
    string,
    string | undefined,
    string | undefined,
  ];
  const value = vars.get(name);
  if (!op) return lookup(name, vars, path, issues);
  const colon = op.startsWith(':');
  const set = colon ? value !== undefined && value !== '' : value !== undefined;
  const kind = op.slice(-1);
  if (kind === '-') return set ? (value as string) : interpolate(rest, vars, path, issues);
  if (kind === '+') return set ? interpolate(rest, vars, path, issues) : '';
  if (!set) {
    const why = interpolate(rest, vars, path, issues);
    issues.push({
      path,
      kind: 'error',
      message: `required variable ${name} is not set${why ? `: ${why}` : ''}`,
    });
    return '';
  }
  return value as string;
}
