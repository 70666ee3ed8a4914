/**
 * `GET /api/dashboard` — everything the web dashboard shows, in one answer: who you are, the
 * plan and usage, nodes with their recent samples, stacks with their latest runs, and recent
 * activity. One request means one gate check (session, plan, rate limit) and one database
 * connection instead of one per part; the parts are read in parallel. Nodes and stacks need an
 * operator role, as on `/v1/orchestrator/*`: for other roles those parts are the same refusal, so
 * the page can say so next to the rest.
 */
import { Hono } from 'hono';
import { activityView, anyRole, gate, meView, operatorRoles } from '../accounts/index.ts';
import { planView } from '../billing/index.ts';
import { offlineAfterMs } from '../platform/config.ts';
import type { AppEnv } from '../platform/env.ts';
import { orchContext, stacksOverview } from '../stacks/index.ts';
import { listAgents, samplesView, workerView } from '../workers/index.ts';

export const dashboard = new Hono<AppEnv>();
dashboard.use(gate(anyRole, 'account'));

/** How many nodes the dashboard lists (the workers API's largest page). */
const NODES = 100;
const SAMPLE_MINUTES = 60;

dashboard.get('/', async (c) => {
  const p = c.get('principal');
  const config = c.get('config');
  const db = c.get('db')();
  const operator = (operatorRoles as readonly string[]).includes(p.role);
  const [plan, activity, agents, samples, stacks] = await Promise.all([
    planView(db, p.orgId),
    activityView(db, p),
    operator ? listAgents(db, p.orgId, { limit: NODES, offset: 0 }) : null,
    operator ? samplesView(db, p.orgId, SAMPLE_MINUTES) : null,
    operator ? stacksOverview(orchContext(c)) : null,
  ]);
  const now = Date.now();
  const refused = (what: string) => ({
    error: { code: 'AUTH_INSUFFICIENT', message: `your role (${p.role}) may not see the org's ${what}` },
  });
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
          : refused('nodes'),
      stacks: stacks ? { data: stacks } : refused('stacks'),
    },
  });
});
