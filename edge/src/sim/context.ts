import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Env, Principal } from '../env.ts';

/** What every KombiSim operation gets, whether it came in over REST or Connect. */
export interface SimContext {
  db: Db;
  env: Env;
  config: Config;
  principal: Principal;
}
