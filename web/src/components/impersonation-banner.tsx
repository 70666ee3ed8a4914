import type { Me } from '@kombify/proto/api';
import { useAction, useSubmission } from '@solidjs/router';
import { Show } from 'solid-js';
import { endImpersonation } from '../features/users/index.ts';
import { useNow } from '../lib/timers.ts';
import { SubmissionNote } from './submission-note.tsx';

/** Whole minutes left until `iso`, at least 0 (rounded up: "ends in 1 min" until it has ended). */
function minutesLeft(iso: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / 60_000));
}

/**
 * Shown on every signed-in page while a platform admin acts as this user (`/api/me` says who and
 * until when). Ending it gives the admin their own session back; the page then reloads fully so
 * nothing read as the user stays on screen.
 */
export function ImpersonationBanner(props: { me: Me }) {
  const now = useNow(15_000);
  const end = useAction(endImpersonation);
  const ending = useSubmission(endImpersonation);
  const who = () => props.me.name ?? props.me.email ?? props.me.id;
  return (
    <Show when={props.me.impersonated_by}>
      {(by) => (
        <section class="impersonation-banner" aria-label="Impersonation" data-testid="impersonation-banner">
          <p>
            <strong>
              You are viewing as <span data-testid="impersonated-user">{who()}</span>
            </strong>{' '}
            <span class="muted-inherit">(started by {by()})</span>
            <Show when={props.me.impersonation_expires_at}>
              {(at) => (
                <>
                  {' '}
                  — ends in{' '}
                  <time datetime={at()} data-testid="impersonation-left">
                    {minutesLeft(at(), now())} min
                  </time>
                </>
              )}
            </Show>
          </p>
          <button
            type="button"
            class="btn btn-small"
            data-testid="end-impersonation"
            disabled={ending.pending}
            onClick={async () => {
              const r = await end();
              if (r.ok) window.location.assign(r.data.admin_session_restored ? '/admin/users' : '/signin');
            }}
          >
            End impersonation
          </button>
          <Show when={ending.result && !ending.result.ok}>
            <SubmissionNote result={ending.result} done="" />
          </Show>
        </section>
      )}
    </Show>
  );
}
