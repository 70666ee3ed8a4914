/**
 * The edge's configuration table in docs/configuration.md, made from its one source: the zod
 * schema in edge/src/platform/config-schema.ts (names, types, ranges, defaults, via z.toJSONSchema), the
 * JSDoc above each entry there (the meaning), and wrangler.toml's [vars] (the value a deploy
 * sets). `npm run gen` writes it between the markers; a unit test fails when the page drifts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configSchema } from '../../edge/src/platform/config-schema.ts';

export const START =
  '<!-- config:edge:start (npm run gen writes this table from edge/src/platform/config-schema.ts) -->';
export const END = '<!-- config:edge:end -->';

interface JsonProp {
  type?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  anyOf?: JsonProp[];
}

/** The JSDoc right above each `NAME:` entry of the schema object, joined into one line. */
export function schemaComments(source: string): Map<string, string> {
  const lines = source.split('\n');
  const out = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^ {2}([A-Z][A-Z0-9_]*):/.exec(lines[i]!);
    if (!m || !lines[i - 1]?.trim().endsWith('*/')) continue;
    let j = i - 1;
    while (j >= 0 && !lines[j]!.trim().startsWith('/**')) j--;
    const text = lines
      .slice(j, i)
      .map((l) =>
        l
          .trim()
          .replace(/^\/\*\*\s?/, '')
          .replace(/\s?\*\/$/, '')
          .replace(/^\*\s?/, ''),
      )
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    out.set(m[1]!, text);
  }
  return out;
}

/** `KEY = "value"` lines of wrangler.toml's [vars] table. */
export function wranglerVars(toml: string): Map<string, string> {
  const out = new Map<string, string>();
  let inVars = false;
  for (const line of toml.split('\n')) {
    if (/^\s*\[/.test(line)) inVars = /^\s*\[vars\]\s*$/.test(line);
    const m = inVars ? /^\s*([A-Z][A-Z0-9_]*)\s*=\s*"([^"]*)"/.exec(line) : null;
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

function accepted(p: JsonProp): string {
  if (p.anyOf) return p.anyOf.map(accepted).join(' or ');
  if (p.enum) return p.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (p.type === 'integer' || p.type === 'number') {
    const kind = p.type === 'integer' ? 'integer' : 'number';
    if (p.minimum !== undefined && p.maximum !== undefined) return `${kind} ${p.minimum}–${p.maximum}`;
    if (p.minimum !== undefined) return `${kind} ≥ ${p.minimum}`;
    return kind;
  }
  if (p.format) return p.format === 'uri' ? 'URL' : p.format;
  if (p.pattern) return 'version (x.y.z)';
  if (p.minLength !== undefined) return `string, ≥ ${p.minLength} characters`;
  return 'string';
}

const cell = (s: string) => s.replaceAll('|', '\\|');

/** The table as Markdown (no padding: the page is generated, and biome leaves it alone). */
export function renderConfigTable(root: string): string {
  const comments = schemaComments(readFileSync(join(root, 'edge/src/platform/config-schema.ts'), 'utf8'));
  const vars = wranglerVars(readFileSync(join(root, 'wrangler.toml'), 'utf8'));
  const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, JsonProp>;
  };
  const rows = Object.entries(json.properties).map(([name, prop]) => {
    const fromToml = vars.get(name);
    const byDefault = prop.default === undefined ? '—' : `\`${String(prop.default)}\``;
    const value =
      fromToml === undefined || fromToml === String(prop.default)
        ? fromToml === undefined
          ? byDefault
          : `\`${fromToml}\``
        : `\`${fromToml}\` (wrangler.toml; unset: ${byDefault})`;
    return `| \`${name}\` | ${cell(value)} | ${cell(accepted(prop))} | ${cell(comments.get(name) ?? '')} |`;
  });
  return ['| variable | default | accepted | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The page with the table between its markers replaced. */
export function withConfigTable(page: string, table: string): string {
  const a = page.indexOf(START);
  const b = page.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/configuration.md lacks the markers ${START} … ${END}`);
  return `${page.slice(0, a + START.length)}\n\n${table}\n\n${page.slice(b)}`;
}
