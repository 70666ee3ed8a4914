/**
 * Compose value forms → kombination.yaml forms: shell-style command strings, Go durations
 * (`1m30s`), byte sizes (`512m`, `1.5g`, 1073741824), CPU counts.
 */

/** Splits a command string the way Compose does (POSIX shell words: quotes and backslashes). */
export function shellSplit(text: string): string[] | undefined {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) out.push(word);
  return out;
}

const durationUnits: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration (`1m30s`, `1.5s`, `500ms`) → the spec's one-unit form (`90s`, `1500ms`). */
export function specDuration(text: string): string | undefined {
  const t = text.trim();
  if (!/^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
    ms += Number(m[1]) * durationUnits[m[2]!]!;
  ms = Math.round(ms);
  const out =
    ms % 3_600_000 === 0 && ms > 0
      ? `${ms / 3_600_000}h`
      : ms % 60_000 === 0 && ms > 0
        ? `${ms / 60_000}m`
        : ms % 1000 === 0
          ? `${ms / 1000}s`
          : `${ms}ms`;
  return /^[0-9]{1,6}(?:ms|s|m|h)$/.test(out) ? out : undefined;
}

const byteUnits: Record<string, number> = { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Bytes of a Compose size: a number, or `512m`, `1.5g`, `100k`, `2gb`, `1GiB`. */
export function composeBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt])?(?:i?b)?$/i.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * byteUnits[(m[2] ?? 'b').toLowerCase()]!);
}

/** Bytes → the spec's size, rounded up to whole MiB (`512Mi`, `2Gi`). */
export function specSize(bytes: number): string {
  const mib = Math.max(1, Math.ceil(bytes / 2 ** 20));
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

/** `0.5`, `"1.5"` → a CPU count; undefined when not a positive number. */
export function composeCpus(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Compose booleans also come as strings ("true", "yes") after interpolation. */
export function composeBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if (['true', 'yes', 'y', 'on', '1'].includes(v)) return true;
  if (['false', 'no', 'n', 'off', '0', ''].includes(v)) return false;
  return undefined;
}

/** A whole number from a number or a numeric string. */
export function composeInt(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}
