/** The dashboard's route for the OpenAPI document (api-docs). */
import * as api from '@kombify/proto/api';
import { data, type RouteDocs } from '../platform/openapi/route-doc.ts';

export const dashboardRouteDocs: RouteDocs = {
  'GET /api/dashboard': {
    summary: 'The web dashboard in one request: me, plan, activity, nodes and stacks',
    description:
      'Nodes and stacks need an operator role, as on `/v1/orchestrator/*`; without one they are `{error}`.',
    response: data(api.dashboard),
  },
};
