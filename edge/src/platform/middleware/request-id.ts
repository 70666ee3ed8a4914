/**
 * Hono's request-id middleware: a well-formed incoming X-Request-ID (from a trusted proxy or a
 * client: word characters and "-", at most 128) is kept, anything else replaced by our own
 * `req_…` id; it is in `c.get('requestId')`, every error body and the response header.
 */
import { requestId as honoRequestId } from 'hono/request-id';
import { randomId } from '../ids.ts';

export const requestId = honoRequestId({
  headerName: 'X-Request-ID',
  limitLength: 128,
  generator: () => randomId('req'),
});
