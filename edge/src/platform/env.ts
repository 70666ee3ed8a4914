import type { AgentObject } from '../jobs/agent-object.ts';
import type { StackObject } from '../stacks/object/stack-object.ts';
import type { AgentStatusObject } from '../workers/status/agent-status-object.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { RateLimiterObject } from './rate-limit/rate-limiter-object.ts';

/** The Worker's bindings (wrangler.toml) and vars. Vars are validated by loadConfig. */
export interface Env {
  AGENTS: DurableObjectNamespace<AgentObject>;
  STACKS: DurableObjectNamespace<StackObject>;
  /** Batched heartbeat and connection-status writes (edge/src/agent-status). */
  AGENT_STATUS: DurableObjectNamespace<AgentStatusObject>;
  /** Agent release artifacts and manifests (edge/src/releases/release-store.ts). */
  ARTIFACTS?: R2Bucket;
  RATE_LIMITER: DurableObjectNamespace<RateLimiterObject>;
  KOMBIFY_VERSION?: string;
  DATABASE_URL?: string;
  DATABASE_WS_PROXY?: string;
  [key: string]: unknown;
}

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
