/**
 * A simulated agent for the benchmarks: the real agent's identity, token and Connect client
 * modules, but no job runner, outbox or heartbeats. It keeps one ReceiveJobs stream open, notes
 * when each job arrives, and completes every job at once with an empty result so jobs do not pile
 * up as running. Many of them run in one Node process.
 */
import type { Job, NodeFacts } from '@kombify/proto/agent/v1';
import { createTokenSource } from '../agent/src/agent-token.ts';
import { type AgentClient, createAgentClient } from '../agent/src/edge-client.ts';
import { type Identity, makeKeyPair } from '../agent/src/identity.ts';
import { AGENT_VERSION } from '../agent/src/version.ts';
import { sleep } from './stats.ts';

export interface ReceivedJob {
  job: Job;
  /** performance.now() when the job event came out of the stream. */
  at: number;
  agentId: string;
  /** Settles when CompleteJob answered: true if the edge applied it. */
  completed: Promise<boolean>;
}

/** Enrolls like `kombify-agent enroll` does (cli.ts), but keeps the identity in memory. */
export async function enrollSimAgent(
  edgeUrl: string,
  enrollmentToken: string,
  name: string,
): Promise<Identity> {
  const { privateJwk, publicJwk } = await makeKeyPair();
  const res = await createAgentClient(edgeUrl).enroll({
    enrollmentToken,
    publicKeyJwk: JSON.stringify(publicJwk),
    name,
  });
  return {
    agent_id: res.agentId,
    org_id: res.orgId,
    name: res.name,
    edge_url: edgeUrl,
    audience: res.audience,
    heartbeat_interval_seconds: res.heartbeatIntervalSeconds,
    private_key_jwk: privateJwk,
    public_key_jwk: publicJwk,
    enrolled_at: new Date().toISOString(),
  };
}

export interface SimAgentHandlers {
  onJob(received: ReceivedJob): void;
  /** A stream or CompleteJob failure (also kept in `errors`). */
  onError?(message: string): void;
}

export class SimAgent {
  readonly identity: Identity;
  /** Resolves when the first stream's first message (the edge's keepalive) arrived. */
  readonly connected: Promise<void>;
  /** Streams the edge ended normally (it rotates them); the agent reconnected at once. */
  rotations = 0;
  /** Stream and CompleteJob failures, for the report. */
  readonly errors: string[] = [];
  readonly #client: AgentClient;
  readonly #handlers: SimAgentHandlers;
  readonly #stop = new AbortController();
  #markConnected: () => void = () => {};
  #loop: Promise<void> = Promise.resolve();

  constructor(identity: Identity, edgeUrl: string, handlers: SimAgentHandlers) {
    this.identity = identity;
    this.#handlers = handlers;
    this.#client = createAgentClient(edgeUrl, createTokenSource(identity));
    this.connected = new Promise((resolve) => {
      this.#markConnected = resolve;
    });
  }

  start(): void {
    this.#loop = this.#run();
  }

  /** Aborts the stream (the edge sees the hang-up) and waits for the loop to end. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        // timeoutMs 0: the stream has no deadline (the client's default of 30 s is for unary calls).
        const stream = this.#client.receiveJobs(
          { agentVersion: AGENT_VERSION, capabilities: ['node.facts'] },
          { signal, timeoutMs: 0 },
        );
        for await (const message of stream) {
          const at = performance.now();
          this.#markConnected();
          if (message.event.case === 'job') this.#received(message.event.value, at);
        }
        this.rotations += 1;
      } catch (error) {
        if (signal.aborted) return;
        this.#error(`stream: ${(error as Error).message}`);
        await sleep(200);
      }
    }
  }

  /** One Heartbeat call, as the real agent sends every AGENT_HEARTBEAT_SECONDS. */
  async heartbeat(facts: NodeFacts): Promise<void> {
    await this.#client.heartbeat({ facts, runningJobIds: [] });
  }

  #received(job: Job, at: number): void {
    // Not awaited: the arrival time is already taken, and the caller decides whether to wait.
    const completed = this.#client
      .completeJob({ jobId: job.id, leaseId: job.leaseId, outcome: { case: 'result', value: {} } })
      .then(
        (res) => res.applied,
        (error: unknown) => {
          this.#error(`completeJob ${job.id}: ${(error as Error).message}`);
          return false;
        },
      );
    this.#handlers.onJob({ job, at, agentId: this.identity.agent_id, completed });
  }

  #error(message: string): void {
    this.errors.push(message);
    this.#handlers.onError?.(`${this.identity.name}: ${message}`);
  }
}
