import type { Context } from 'hono';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import type { AppEnv, Env, Principal } from '../platform/env.ts';

/** What every KombiSim operation gets, whether it came in over REST or Connect. */
export interface SimContext {
  db: Db;
  env: Env;
  config: Config;
  principal: Principal;
  /** The edge's origin as the caller reached it (what simulated workers dial, unless configured). */
  origin: string;
}

/** The context of an authenticated request (after the gate). */
export function simContext(c: Context<AppEnv>): SimContext {
  return {
    db: c.get('db')(),
    env: c.env,
    config: c.get('config'),
    principal: c.get('principal'),
    origin: new URL(c.req.url).origin,
  };
}
