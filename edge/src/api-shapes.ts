/**
 * Compile-time checks that the edge answers with the shapes the web app parses
 * (`@kombify/proto/api`): a view that drifts from its schema fails `tsc -p edge`.
 * Nothing here runs.
 */
import type * as api from '@kombify/proto/api';
import type { listApps } from '@kombify/stackkits';
import type { z } from 'zod';
import type { activityView, meView } from './accounts/index.ts';
import type { userView } from './admin/index.ts';
import type { PlanLimits, planView } from './billing/index.ts';
import type { SecretMeta } from './secrets/index.ts';
import type { addAppToStack, SecretUsage, stacksOverview } from './stacks/index.ts';
import type { samplesView, workerView } from './workers/index.ts';

type Fits<T extends U, U> = T;

export type WorkerFits = Fits<ReturnType<typeof workerView>, z.input<typeof api.worker>>;
export type PlanLimitsFit = Fits<PlanLimits, z.input<typeof api.planLimits>>;
export type AdminUserFits = Fits<ReturnType<typeof userView>, z.input<typeof api.adminUser>>;
// The parts of `GET /api/dashboard` (edge/src/dashboard), each also served on its own route.
export type MeFits = Fits<ReturnType<typeof meView>, z.input<typeof api.me>>;
export type PlanFits = Fits<Awaited<ReturnType<typeof planView>>, z.input<typeof api.billingPlan>>;
export type ActivityFits = Fits<Awaited<ReturnType<typeof activityView>>, z.input<typeof api.meActivity>>;
export type SamplesFits = Fits<
  Awaited<ReturnType<typeof samplesView>>,
  z.input<typeof api.workerSamplesList>
>;
export type StacksOverviewFits = Fits<
  Awaited<ReturnType<typeof stacksOverview>>,
  z.input<(typeof api.dashboard.shape.stacks.options)[0]>['data']
>;
export type AddedAppFits = Fits<Awaited<ReturnType<typeof addAppToStack>>, z.input<typeof api.addedApp>>;
export type AppListFits = Fits<ReturnType<typeof listApps>, z.input<typeof api.appList>>;
export type SecretMetaFits = Fits<SecretMeta, z.input<typeof api.secretMeta>>;
export type SecretUsageFits = Fits<SecretUsage, z.input<typeof api.secretUsage>>;
