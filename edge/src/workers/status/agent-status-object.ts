import { DurableObject } from 'cloudflare:workers';
/**
 * AgentStatusObject: writes agents' heartbeats and stream connection status to Postgres for many
 * agents at once, over a connection it keeps between requests. Each AgentObject used to open a
 * database pool (a new Postgres connection and backend) for every heartbeat, which capped the
 * heartbeat rate well below what 1,000 agents need; one connection per agent held open instead
 * would exhaust Postgres' connection slots. A few of these objects (agent ids hashed onto
 * STATUS_SHARDS) batch the writes instead. A heartbeat still answers only after its row is
 * written, so online/offline status and the dashboard's samples are as current as before.
 *
 * Unlike a Worker request, a Durable Object may keep I/O objects (the pool's WebSocket) across
 * the requests it serves.
 */
import { type Config, loadConfig } from '../../platform/config.ts';
import { type Db, openDb } from '../../platform/db/client.ts';
import type { Env } from '../../platform/env.ts';
import { ApiError } from '../../platform/errors.ts';
import { type HeartbeatWrite, recordHeartbeats, setConnectedMany } from '../store.ts';
import { Batcher } from './batcher.ts';

export type StatusWrite =
  | { kind: 'heartbeat'; beat: HeartbeatWrite }
  | { kind: 'connection'; id: string; connected: boolean };

/** Bounds one batch's statement size (parameters) and how long a batch holds the connection. */
const MAX_BATCH = 500;

export class AgentStatusObject extends DurableObject<Env> {
  readonly #config: Config;
  #db: Db | null = null;
  readonly #batcher = new Batcher<StatusWrite>((writes) => applyWrites(this.#open(), writes), MAX_BATCH);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#config = loadConfig(env);
  }

  /** Resolves once the heartbeat is in Postgres. */
  heartbeat(beat: HeartbeatWrite): Promise<void> {
    return this.#batcher.add({ kind: 'heartbeat', beat });
  }

  /** Resolves once the agent's stream status is in Postgres. */
  connection(id: string, connected: boolean): Promise<void> {
    return this.#batcher.add({ kind: 'connection', id, connected });
  }

  #open(): Db {
    if (!this.#config.DATABASE_URL) throw new ApiError('SERVICE_UNAVAILABLE', 'database is not configured');
    // Never closed: the pool closes idle connections by itself, and ends with the object.
    this.#db ??= openDb({
      databaseUrl: this.#config.DATABASE_URL,
      wsProxy: this.#config.DATABASE_WS_PROXY,
    }).db;
    return this.#db;
  }
}

/** Connection changes first (the latest per agent wins), then every heartbeat. */
async function applyWrites(db: Db, writes: readonly StatusWrite[]): Promise<void> {
  const connected = new Map<string, boolean>();
  const beats: HeartbeatWrite[] = [];
  for (const write of writes) {
    if (write.kind === 'connection') connected.set(write.id, write.connected);
    else beats.push(write.beat);
  }
  const ids = (state: boolean) => [...connected].filter(([, c]) => c === state).map(([id]) => id);
  await setConnectedMany(db, ids(true), true);
  await setConnectedMany(db, ids(false), false);
  await recordHeartbeats(db, beats);
}
