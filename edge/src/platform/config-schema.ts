/**
 * The edge's configuration schema: every var and secret the Worker reads, with its type, range and
 * default, and above each a JSDoc saying what it means. One source: config.ts validates the
 * environment with it, and docs/configuration.md's table is generated from it (npm run gen:docs).
 * It imports nothing but zod, so Node tools can load it without the Workers types.
 */
import { z } from 'zod';

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const configSchema = z.object({
  /** Reported by `/health`. */
  KOMBIFY_VERSION: z.string().default('0.0.0'),
  /** Postgres URL, a secret (Neon in production); `npm start` sets it to the embedded database. */
  DATABASE_URL: z.string().optional(),
  /** `host:port` of a WebSocket→TCP proxy for a Postgres that is not Neon (`npm start` and the tests set it). */
  DATABASE_WS_PROXY: z.string().optional(),
  /** How long an agent holds a job before it must renew the lease. */
  JOB_LEASE_SECONDS: seconds(60, 2, 3600),
  /** Leases a job may use up before it fails (each expired lease is one attempt). */
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** A queued job whose worker never picks it up fails after this long. */
  JOB_QUEUE_TIMEOUT_SECONDS: seconds(3600, 5, 7 * 86400),
  /** A finished job's params (which may hold credentials) are emptied this long after it ended. */
  JOB_PARAMS_RETENTION_SECONDS: seconds(7 * 86400, 1, 365 * 86400),
  /** Heartbeat interval told to agents. */
  AGENT_HEARTBEAT_SECONDS: seconds(30, 1, 3600),
  /**
   * Idle streams get a keepalive this often. workerd tells the object that an agent hung up only
   * when a write fails, so this also bounds how long a vanished agent still shows as connected.
   */
  AGENT_KEEPALIVE_SECONDS: seconds(5, 1, 300),
  /** The edge ends each job stream after this long so the agent's token is checked again. */
  AGENT_STREAM_MAX_SECONDS: seconds(300, 5, 3600),
  /** Default lifetime of enrollment tokens. */
  ENROLLMENT_TOKEN_TTL_SECONDS: seconds(3600, 60, 7 * 86400),
  /** The OpenID issuer whose access tokens are accepted as Bearer JWTs. Unset: API keys only. */
  OIDC_ISSUER: z.string().url().optional(),
  /** The `aud` those tokens must carry. */
  OIDC_AUDIENCE: z.string().default('kombify-edge'),
  /** The edge's own client at the issuer, for browser sign-in. */
  OIDC_CLIENT_ID: z.string().optional(),
  /** That client's secret. */
  OIDC_CLIENT_SECRET: z.string().optional(),
  /** Where the issuer sends the browser after sign-out. */
  OIDC_POST_LOGOUT_REDIRECT_URI: z.string().url().optional(),
  /** Seals sign-in state and signs session cookies; at least 32 characters. */
  SESSION_SECRET: z.string().min(32).optional(),
  /** How long a session lives (absolute). */
  SESSION_TTL_SECONDS: seconds(7 * 86400, 300, 90 * 86400),
  /** Lifetime of one session cookie; re-issued past half-life while the session lives. */
  SESSION_COOKIE_SECONDS: seconds(3600, 60, 86400),
  /** How soon an unknown `kid` may trigger a JWKS refetch (key rotation). */
  OIDC_JWKS_COOLDOWN_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** How long an admin's impersonation session lasts (admin center). */
  IMPERSONATION_TTL_SECONDS: seconds(900, 1, 3600),
  /** Which identity provider the admin center manages users at (MFA reset): zitadel | local. */
  IDP_ADMIN: z.enum(['zitadel', 'local']).optional(),
  /** Zitadel's API origin (its management API). */
  ZITADEL_API_URL: z.string().url().optional(),
  /** A Zitadel service user's personal access token, a secret. */
  ZITADEL_ADMIN_TOKEN: z.string().optional(),
  /** The Zitadel org the users live in, when the service user belongs to another. */
  ZITADEL_ORG_ID: z.string().optional(),
  /** The npm registry that discovery searches (a local stand-in in tests). */
  DISCOVERY_NPM_REGISTRY: z.string().url().default('https://registry.npmjs.org'),
  /** Optional GitHub discovery (repositories by topic), a secret; without it GitHub runs answer 503. */
  DISCOVERY_GITHUB_TOKEN: z.string().optional(),
  /** The GitHub API origin for that discovery. */
  DISCOVERY_GITHUB_API: z.string().url().default('https://api.github.com'),
  /** Candidates asked for per keyword in one discovery run. */
  DISCOVERY_PAGE_SIZE: z.coerce.number().int().min(1).max(250).default(50),
  /** Stripe's API key (billing), a secret. */
  STRIPE_SECRET_KEY: z.string().optional(),
  /** Stripe's webhook signing secret. */
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Another Stripe API origin, e.g. a local stand-in (http://127.0.0.1:12111). Unset: Stripe. */
  STRIPE_API_BASE: z.string().url().optional(),
  /** The Stripe price id of the pro plan. */
  STRIPE_PRICE_PRO: z.string().optional(),
  /** The Stripe price id of the enterprise plan. */
  STRIPE_PRICE_ENTERPRISE: z.string().optional(),
  /** Days a failed payment keeps the paid plan before the org falls back to free limits. */
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(7),
  /** Where Checkout and the billing portal send people back to. */
  PUBLIC_WEB_URL: z.string().url().default('http://127.0.0.1:3000'),
  /** Browser origins allowed to call the API directly, comma-separated. Empty: none. */
  CORS_ORIGINS: z.string().optional(),
  /** Requests per minute per consumer (API key, user or IP) and route group at the free plan; pro gets 5×, enterprise 33×; never exceeded, exact within one isolate (see RateLimiterObject and token-pool.ts). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /**
   * Per caller address and minute: API keys and agent tokens not yet seen accepted that may reach
   * a Durable Object to be checked (issue 20, M7; platform/unverified-budget.ts).
   */
  UNVERIFIED_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),

  // Agent releases and the installer (edge/src/releases, releases/install-routes.ts). Checked where used,
  // so a bad signing key disables releases with a 503 instead of the whole edge.
  /** Ed25519 private JWK (a secret) that signs release manifests. */
  RELEASE_SIGNING_KEY: z.string().optional(),
  /** Largest upload the release route takes: the Workers request body limit on the Free and Pro plans. */
  RELEASE_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(500 * 1024 * 1024)
    .default(100 * 1024 * 1024),
  /** This edge's public origin for the installer's default --edge; else the URL it was fetched from. */
  PUBLIC_EDGE_URL: z.string().url().optional(),
  // The OpenTofu state backend (edge/src/tofu-state). Checked where used: without the two secrets
  // the state routes answer 503 and the rest of the edge works.
  /** A secret, ≥ 32 characters: encrypts OpenTofu state at rest (AES-256-GCM, one key per stack derived from it). */
  TOFU_STATE_ENCRYPTION_KEY: z.string().min(32).optional(),
  /** The encryption key before the last rotation: state versions written under it stay readable. */
  TOFU_STATE_ENCRYPTION_KEY_PREVIOUS: z.string().min(32).optional(),
  /** A secret, ≥ 32 characters: signs the short-lived, one-stack state credentials agents get. */
  TOFU_STATE_CREDENTIAL_SECRET: z.string().min(32).optional(),
  /** Default lifetime of a state credential (one plan or one apply). */
  TOFU_STATE_CREDENTIAL_TTL_SECONDS: seconds(3600, 60, 86400),
  /** Largest state accepted (bytes). */
  TOFU_STATE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(24 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  /** State versions kept per stack (the newest; older ones are deleted). */
  TOFU_STATE_VERSIONS_KEPT: z.coerce.number().int().min(1).max(1000).default(20),
  // The org secret store (edge/src/secrets).
  /**
   * A secret, ≥ 32 characters: wraps each org's data key (AES-256-GCM). No default: without it the
   * secret routes and secret delivery answer 503 and the rest of the edge works. `npm start` makes
   * one for the local edge; deployed, `wrangler secret put SECRETS_MASTER_KEY`.
   */
  SECRETS_MASTER_KEY: z.string().min(32).optional(),
  /** The master key before the last rotation: data keys wrapped by it are rewrapped with the current one on use. */
  SECRETS_MASTER_KEY_PREVIOUS: z.string().min(32).optional(),
  // Stack workflows (edge/src/stacks/object).
  /** A workflow job that has not ended this long after dispatch is cancelled and fails its step. */
  STACK_JOB_TIMEOUT_SECONDS: seconds(1800, 5, 86400),
  /** Default drift-check interval for new stacks; 0 = off. Each stack can set its own. */
  STACK_DRIFT_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86400)
    .default(0),
  // KombiSim (edge/src/sim).
  /** The node image the host agent runs (`npm run sim:image` builds it locally). */
  SIM_NODE_IMAGE: z.string().min(1).default('kombify/sim-node:latest'),
  /** The first SSH host port of a host worker's pool for simulated nodes. */
  SIM_SSH_PORT_FIRST: z.coerce.number().int().min(1).max(65535).default(2222),
  /** How many SSH ports the pool has from SIM_SSH_PORT_FIRST (2222–2321: 100 nodes a host). */
  SIM_SSH_PORTS: z.coerce.number().int().min(1).max(1000).default(100),
  /** Where node SSH ports are published on the host; loopback unless you want them on your LAN. */
  SIM_SSH_BIND: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
  /** The host name the ssh endpoint tells people to connect to; default: the bind address (or 127.0.0.1). */
  SIM_SSH_HOST: z.string().optional(),
  /** The registry mirror's image the host agent runs for its simulations (the nodes pull through it). */
  SIM_REGISTRY_IMAGE: z.string().min(1).default('kombify/sim-registry:latest'),
  /** The mirror's port on the host's loopback, for pushes (`npm run sim:push`). */
  SIM_REGISTRY_PORT: z.coerce.number().int().min(1).max(65535).default(5000),
  /** The edge URL agents inside simulated nodes enroll with; default PUBLIC_EDGE_URL, else the request's origin. */
  SIM_EDGE_URL: z.string().url().optional(),
  /** How long a simulation request waits for the host agent before answering with `creating`. */
  SIM_WAIT_SECONDS: seconds(90, 0, 600),
  /** Agents older than this are flagged `outdated` in the workers API and the dashboard. */
  AGENT_MIN_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/)
    .optional(),
  /** The `/_bench/*` probes answer only when this is "1" (the benchmark sets it). */
  BENCH_ROUTES: z
    .string()
    .default('0')
    .transform((v) => v === '1'),
});
