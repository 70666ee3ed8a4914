/**
 * `GET /api/dashboard` — everything the web dashboard shows, in one answer: who you are, the
 * plan and usage, nodes with their recent samples, and recent activity. One request means one
 * gate check (session, plan, rate limit) and one database connection instead of one per part; the
 * parts are read in parallel. Nodes need an operator role, as on `/v1/orchestrator/workers`: for
 * other roles that part is the same refusal, so the page can say so next to the rest.
 */
import { Hono } from 'hono';
import { offlineAfterMs } from '../../config.ts';
import { listAgents } from '../../db/agents.ts';
import type { AppEnv } from '../../env.ts';
import { operatorRoles } from '../../middleware/api-auth.ts';
import { activityView, meView } from '../account/index.ts';
import { planView } from '../billing/index.ts';
import { samplesView } from '../worker-metrics/index.ts';
import { workerView } from '../workers/index.ts';

export const dashboard = new Hono<AppEnv>();

/** How many nodes the dashboard lists (the workers API's largest page). */
const NODES = 100;
const SAMPLE_MINUTES = 60;

dashboard.get('/', async (c) => {
  const p = c.get('principal');
  const config = c.get('config');
  const db = c.get('db')();
  const operator = (operatorRoles as readonly string[]).includes(p.role);
  const [plan, activity, agents, samples] = await Promise.all([
    planView(db, p.orgId),
    activityView(db, p),
    operator ? listAgents(db, p.orgId, { limit: NODES, offset: 0 }) : null,
    operator ? samplesView(db, p.orgId, SAMPLE_MINUTES) : null,
  ]);
  const now = Date.now();
  return c.json({
    data: {
      me: meView(p),
      plan,
      activity,
      nodes:
        agents && samples
          ? {
              data: {
                workers: agents.rows.map((row) =>
                  workerView(row, offlineAfterMs(config), now, config.AGENT_MIN_VERSION),
                ),
                samples,
              },
            }
          : {
              error: {
                code: 'AUTH_INSUFFICIENT',
                message: `your role (${p.role}) may not see the org's nodes`,
              },
            },
    },
  });
});
