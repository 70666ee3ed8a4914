/**
 * Compile-time checks that the edge answers with the shapes the web app parses
 * (`@kombify/proto/api`): a view that drifts from its schema fails `tsc -p edge`.
 * Nothing here runs.
 */
import type * as api from '@kombify/proto/api';
import type { z } from 'zod';
import type { PlanLimits } from '../billing/plans.ts';
import type { workerView } from '../features/workers/index.ts';

type Fits<T extends U, U> = T;

export type WorkerFits = Fits<ReturnType<typeof workerView>, z.input<typeof api.worker>>;
export type PlanLimitsFit = Fits<PlanLimits, z.input<typeof api.planLimits>>;
