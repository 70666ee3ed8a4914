/** One worker from `GET /v1/orchestrator/workers`. Facts are absent until the agent first reports. */
export type Worker = {
  id: string;
  name: string;
  status: 'online' | 'offline';
  last_seen: string | null;
  agent_version: string | null;
  /** Older than the edge supports (AGENT_MIN_VERSION); version_warning says what to do. */
  outdated?: boolean;
  version_warning?: string | null;
  enrolled_at: string;
  facts: WorkerFacts | null;
};

export type WorkerFacts = Partial<{
  hostname: string;
  os: string;
  os_release: string;
  arch: string;
  cpu_count: number;
  memory_total_bytes: number;
  disk_total_bytes: number;
  /** null when the agent could not reach a Docker engine. */
  docker_version: string | null;
  tofu_version: string | null;
  /** Which binary answered: `tofu` or `terraform`. */
  tofu_binary: string | null;
  agent_version: string;
}>;

export type WorkerList = { workers: Worker[]; total: number };
