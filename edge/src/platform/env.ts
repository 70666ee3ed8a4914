import type { Config } from './config.ts';
import type { Db } from './db/client.ts';

/**
 * The Worker's bindings and the vars declared in wrangler.toml, as `wrangler types` generates them
 * (edge/gen/worker-configuration.d.ts, `npm run gen:env`), so the type cannot drift from the
 * config. Vars are strings here; read them through the parsed `Config` (loadConfig), never raw.
 */
export type Env = Cloudflare.Env;

/** Who is calling, once authenticated. */
export interface Principal {
  /** An API key, a user's Bearer JWT from the issuer, or a user's browser session. */
  kind: 'api_key' | 'user' | 'session';
  /** The key id, or the user's `sub`. */
  id: string;
  orgId: string;
  role: string;
  email?: string | null;
  name?: string | null;
  sessionId?: string;
  /** Set when a platform admin (`by`, as `kind:id`) acts as this user through a time-limited session. */
  impersonation?: { by: string; expiresAt: Date };
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    /** Opens the request's database pool on first use; it is closed when the request ends. */
    db: () => Db;
    principal: Principal;
  };
}
