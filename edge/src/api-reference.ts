/**
 * Every domain's route descriptions for the API reference (api-docs), one tag each, in the order
 * the reference shows them. A domain that mounts a route describes it in its own `route-docs.ts`,
 * exported beside its sub-app from its `api.ts`: like the sub-apps, only the app's top level
 * reaches them, so no domain's surface (index.ts) pulls in another's routes (no import cycle).
 */
import { accountsRouteDocs } from './accounts/api.ts';
import { adminRouteDocs } from './admin/api.ts';
import { apiDocsRouteDocs } from './api-docs/api.ts';
import type { DomainDocs } from './api-docs/index.ts';
import { billingRouteDocs } from './billing/api.ts';
import { catalogRouteDocs } from './catalog/api.ts';
import { dashboardRouteDocs } from './dashboard/api.ts';
import { jobsRouteDocs } from './jobs/api.ts';
import { platformRouteDocs } from './platform/api.ts';
import { releasesRouteDocs } from './releases/api.ts';
import { secretsRouteDocs } from './secrets/api.ts';
import { simulationsRouteDocs } from './simulations/api.ts';
import { stackkitsRouteDocs } from './stackkits/api.ts';
import { stacksRouteDocs } from './stacks/api.ts';
import { tofuStateRouteDocs } from './tofu-state/api.ts';
import { workersRouteDocs } from './workers/api.ts';

export const domainDocs: DomainDocs[] = [
  { tag: 'platform', description: 'Probes.', routes: platformRouteDocs },
  { tag: 'accounts', description: 'Sign-in, your account, your org, API keys.', routes: accountsRouteDocs },
  { tag: 'dashboard', description: 'The web dashboard in one call.', routes: dashboardRouteDocs },
  {
    tag: 'billing',
    description: 'Plans, Stripe checkout and webhook, the billing overview.',
    routes: billingRouteDocs,
  },
  {
    tag: 'workers',
    description: 'Workers (agents): enrolment, status, containers, the agent protocol.',
    routes: workersRouteDocs,
  },
  { tag: 'jobs', description: 'Jobs on workers.', routes: jobsRouteDocs },
  { tag: 'stacks', description: 'Stacks, spec versions, workflows, nodes.', routes: stacksRouteDocs },
  {
    tag: 'secrets',
    description: 'The org’s secret store (values are write-only).',
    routes: secretsRouteDocs,
  },
  { tag: 'tofu-state', description: 'The OpenTofu HTTP state backend.', routes: tofuStateRouteDocs },
  {
    tag: 'stackkits',
    description: 'StackKits, spec validation and generation, the app catalog, compose import.',
    routes: stackkitsRouteDocs,
  },
  {
    tag: 'simulations',
    description: 'KombiSim: simulated machines, templates.',
    routes: simulationsRouteDocs,
  },
  {
    tag: 'releases',
    description: 'The installer, agent downloads, publishing releases.',
    routes: releasesRouteDocs,
  },
  { tag: 'admin', description: 'The admin center: feature flags, audit log, users.', routes: adminRouteDocs },
  { tag: 'catalog', description: 'The tools catalog and discovery.', routes: catalogRouteDocs },
  { tag: 'reference', description: 'This reference.', routes: apiDocsRouteDocs },
];
