import { createAsync, type RouteDefinition } from '@solidjs/router';
import { EdgeErrorBanner } from '../components/edge-error-banner.tsx';
import { FleetSummary } from '../components/fleet-summary.tsx';
import { HealthCard } from '../components/health-card.tsx';
import { SiteHeader } from '../components/site-header.tsx';
import { WorkersPanel } from '../components/workers-panel.tsx';
import { getHealth } from '../features/health/index.ts';
import { getWorkers } from '../features/workers/index.ts';
import { dataOf, problemOf } from '../lib/edge-result.ts';
import { useAutoRefresh, useNow } from '../lib/timers.ts';

const REFRESH_MS = 5000;

export const route = {
  preload: () => {
    void getHealth();
    void getWorkers();
  },
} satisfies RouteDefinition;

/** Home: edge health and the connected workers, re-read from the edge every 5 s. */
export default function Dashboard() {
  const health = createAsync(() => getHealth());
  const workers = createAsync(() => getWorkers());
  const now = useNow();
  useAutoRefresh([getHealth.key, getWorkers.key], REFRESH_MS);

  // Both reads fail the same way when the edge is down: say it once, from whichever saw it. Token and
  // permission problems concern only the worker list, so the workers panel explains those.
  const bannerResult = () =>
    problemOf(health(), 'unreachable') || problemOf(health(), 'http')
      ? health()
      : problemOf(workers(), 'unreachable')
        ? workers()
        : undefined;

  return (
    <>
      <SiteHeader
        fetchedAt={health()?.fetchedAt}
        ok={!bannerResult()}
        now={now()}
        refreshSeconds={REFRESH_MS / 1000}
      />
      <main class="page">
        <EdgeErrorBanner result={bannerResult()} />
        <div class="grid">
          <HealthCard result={health()} />
          <FleetSummary list={dataOf(workers())} />
        </div>
        <WorkersPanel result={workers()} now={now()} />
      </main>
    </>
  );
}
