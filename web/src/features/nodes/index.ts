import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import {
  fetchContainerLogs,
  fetchContainers,
  fetchEnrollment,
  fetchSamples,
  fetchWorker,
  fetchWorkers,
  makeEnrollment,
  runContainerAction,
} from './server.ts';

export const getWorkers = edgeQuery(() => fetchWorkers(), 'workers');
export const getSamples = edgeQuery(() => fetchSamples(), 'worker-samples');
export const getEnrollment = edgeQuery((id: string) => fetchEnrollment(id), 'enrollment');
export const createEnrollment = edgeAction(() => makeEnrollment(), 'create-enrollment');
export const getWorker = edgeQuery((id: string) => fetchWorker(id), 'worker');
export const getContainers = edgeQuery((id: string) => fetchContainers(id), 'containers');
export const getContainerLogs = edgeQuery(
  (id: string, name: string, tail: number) => fetchContainerLogs(id, name, tail),
  'container-logs',
);
export const containerAction = edgeAction(
  (id: string, name: string, action: 'start' | 'stop' | 'restart') => runContainerAction(id, name, action),
  'container-action',
);
