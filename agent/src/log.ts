/**
 * The agent's log: one line per event on stderr, plain text for people or JSON for collectors
 * (KOMBIFY_AGENT_LOG_FORMAT=json). Secrets (tokens, keys) are never passed to it.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let format: 'text' | 'json' = process.env.KOMBIFY_AGENT_LOG_FORMAT === 'json' ? 'json' : 'text';
let threshold: Level = (process.env.KOMBIFY_AGENT_LOG_LEVEL as Level | undefined) ?? 'info';

export function configureLog(opts: { format?: 'text' | 'json'; level?: Level }): void {
  if (opts.format) format = opts.format;
  if (opts.level) threshold = opts.level;
}

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (order[level] < order[threshold]) return;
  const time = new Date().toISOString();
  if (format === 'json') {
    process.stderr.write(`${JSON.stringify({ time, level, message, ...fields })}\n`);
    return;
  }
  const extra = fields
    ? ` ${Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ')}`
    : '';
  process.stderr.write(`${time} ${level.toUpperCase().padEnd(5)} ${message}${extra}\n`);
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => write('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => write('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => write('error', m, f),
};
