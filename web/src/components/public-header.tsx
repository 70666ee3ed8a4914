import { A, createAsync } from '@solidjs/router';
import { Show } from 'solid-js';
import { getSignedIn } from '../features/account/signed-in.ts';
import { Brand } from './brand.tsx';
import { SkipLink } from './skip-link.tsx';
import { ThemeToggle } from './theme-toggle.tsx';

/** Header of the public pages: what kombify is, pricing, and sign-in (or the way back in). */
export function PublicHeader() {
  const signedIn = createAsync(() => getSignedIn());
  return (
    <>
      <SkipLink />
      <header class="site-header">
        <Brand />
        <nav aria-label="Site" class="top-nav">
          <A href="/features">Features</A>
          <A href="/pricing">Pricing</A>
          <A href="/stackkits">StackKits</A>
        </nav>
        <div class="header-actions">
          <ThemeToggle />
          <Show
            when={signedIn()}
            fallback={
              <a rel="external" class="btn btn-primary" href="/auth/signin?return_to=%2Fdashboard">
                Sign in
              </a>
            }
          >
            <A class="btn btn-primary" href="/dashboard">
              Dashboard
            </A>
          </Show>
        </div>
      </header>
    </>
  );
}
