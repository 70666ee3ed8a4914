import 'server-only';
import { redirect } from '@solidjs/router';
import type { EdgeResult } from '../lib/edge-result.ts';

/** Passes a result through; a signed-out caller is sent to sign in and brought back to `returnTo`. */
export function requireSignedIn<T>(result: EdgeResult<T>, returnTo: string): EdgeResult<T> {
  if (
    !result.ok &&
    (result.status === 401 || result.code === 'AUTH_REQUIRED' || result.code === 'AUTH_INVALID')
  ) {
    throw redirect(`/signin?return_to=${encodeURIComponent(returnTo)}`);
  }
  return result;
}
