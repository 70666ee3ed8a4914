/** The platform's probes for the OpenAPI document (api-docs). */
import * as api from '@kombify/proto/api';
import { z } from 'zod';
import type { RouteDocs } from './openapi/route-doc.ts';

export const platformRouteDocs: RouteDocs = {
  'GET /health': {
    summary: 'Health with the database check; 503 when unhealthy (the same body)',
    response: api.health,
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'GET /ready': {
    summary: 'Readiness for load balancers; 503 when not ready',
    response: z.object({ ready: z.boolean(), checks: api.health.shape.checks }),
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'GET /_bench/bare': { summary: 'Benchmark probe', hidden: 'a benchmark probe, 404 unless BENCH_ROUTES=1' },
};
