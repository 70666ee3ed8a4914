import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import { fetchEnrollment, fetchSamples, fetchWorkers, makeEnrollment } from './server.ts';

export const getWorkers = edgeQuery(() => fetchWorkers(), 'workers');
export const getSamples = edgeQuery(() => fetchSamples(), 'worker-samples');
export const getEnrollment = edgeQuery((id: string) => fetchEnrollment(id), 'enrollment');
export const createEnrollment = edgeAction(() => makeEnrollment(), 'create-enrollment');
