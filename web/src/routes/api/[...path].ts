/** `/api/*` belongs to the edge (see server/edge-proxy-routes.ts). */
export { DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT } from '../../server/edge-proxy-routes.ts';
