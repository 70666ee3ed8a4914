import { action, query } from '@solidjs/router';
import { fetchEnrollment, fetchSamples, fetchWorkers, makeEnrollment } from './server.ts';

export const getWorkers = query(() => fetchWorkers(), 'workers');
export const getSamples = query(() => fetchSamples(), 'worker-samples');
export const getEnrollment = query((id: string) => fetchEnrollment(id), 'enrollment');
export const createEnrollment = action(() => makeEnrollment(), 'create-enrollment');
