/**
 * Configuration from the Worker's environment, validated at the entry so a bad value fails loudly
 * with its name instead of surfacing later as NaN. The schema is in config-schema.ts.
 */
import type { z } from 'zod';
import { configSchema } from './config-schema.ts';
import type { Env } from './env.ts';

export type Config = z.output<typeof configSchema>;

/** The vars wrangler.toml declares (the generated Env's string members; bindings are objects). */
type DeclaredVar = { [K in keyof Env]: Env[K] extends string ? K : never }[keyof Env];
type NoneLeft<T extends never> = T;
/** Compile-time check: every var declared in wrangler.toml is validated by the schema. */
export type VarsWithoutSchema = NoneLeft<Exclude<DeclaredVar, keyof Config>>;

/**
 * Parsed configs by environment object. The runtime hands every request of an isolate the same
 * `env`, and its vars do not change while the isolate lives, so each is parsed once per isolate,
 * not on every request (issue 19, item 4). A test's own env object is parsed on its own.
 */
const parsedConfigs = new WeakMap<Env, Config>();

/** Reads the whole environment (declared vars, secrets, `--var` overrides) through the schema. */
export function loadConfig(env: Env): Config {
  const known = parsedConfigs.get(env);
  if (known) return known;
  // Frozen: one object serves every request of the isolate, so nobody may change it for the rest.
  const config = Object.freeze(parseConfig(env));
  parsedConfigs.set(env, config);
  return config;
}

function parseConfig(env: Env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid edge configuration: ${problems}`);
  }
  return parsed.data;
}

/**
 * Whether the benchmark probes answer, for the one route that runs before any middleware (so
 * before the parsed config exists): reads only that var, through its schema entry.
 */
export function benchRoutesEnabled(env: Env): boolean {
  return configSchema.shape.BENCH_ROUTES.parse(env.BENCH_ROUTES);
}

/**
 * A worker counts as online while it holds its job stream and has been heard from recently: it is
 * offline once two minutes of heartbeats are missing (or four intervals, when they are longer).
 */
export function offlineAfterMs(config: Config): number {
  return Math.max(config.AGENT_HEARTBEAT_SECONDS * 4, 120) * 1000;
}
