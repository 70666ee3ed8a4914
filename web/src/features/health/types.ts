/** `GET /health` on the edge (answered with 200 or 503, same body). */
export type EdgeHealth = {
  status: HealthStatus;
  version: string;
  timestamp: string;
  checks: Record<string, { status: HealthStatus; latency_ms?: number }>;
};

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';
