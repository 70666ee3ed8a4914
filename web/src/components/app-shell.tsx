import type { Me } from '@kombify/proto/api';
import { Title } from '@solidjs/meta';
import { A, createAsync, useLocation } from '@solidjs/router';
import { For, type JSX, Show } from 'solid-js';
import { getMe } from '../features/account/index.ts';
import { dataOf, type EdgeResult, failureOf } from '../lib/edge-result.ts';
import { Brand } from './brand.tsx';
import { ImpersonationBanner } from './impersonation-banner.tsx';
import { SkipLink } from './skip-link.tsx';
import { Problem } from './states.tsx';
import { ThemeToggle } from './theme-toggle.tsx';

/** The signed-in app's navigation. */
const NAV: { href: string; label: string; admin?: boolean }[] = [
  { href: '/dashboard', label: 'Dashboard' },
  { href: '/nodes/add', label: 'Add a node' },
  { href: '/stacks', label: 'Stacks' },
  { href: '/simulations', label: 'Simulations' },
  { href: '/stackkits', label: 'StackKits' },
  { href: '/apps', label: 'Apps' },
  { href: '/tools', label: 'Tools' },
  { href: '/billing', label: 'Billing' },
  { href: '/settings', label: 'Settings' },
  { href: '/admin', label: 'Admin', admin: true },
];

/** Layout of every signed-in page: skip link, header with the user, side navigation, one <h1>. */
export function AppShell(props: {
  title: string;
  /** The caller, when the page already reads it in its own request (the dashboard); else asked here. */
  me?: () => EdgeResult<Me> | undefined;
  actions?: JSX.Element;
  children: JSX.Element;
}) {
  const location = useLocation();
  const me = props.me ?? createAsync(() => getMe(location.pathname + location.search));
  const user = () => dataOf(me());
  const isAdmin = () => user()?.role === 'platform-admin';
  return (
    <>
      <Title>{`${props.title} · kombify`}</Title>
      <SkipLink />
      <Show when={user()}>{(u) => <ImpersonationBanner me={u()} />}</Show>
      <header class="site-header">
        <Brand />
        <div class="header-actions">
          <ThemeToggle />
          <Show when={user()}>
            {(u) => (
              <span class="user-chip" data-testid="user-chip">
                {u().name ?? u().email ?? u().id}
                <span class="muted"> · {u().role}</span>
              </span>
            )}
          </Show>
          <form method="post" action="/auth/signout">
            <button type="submit" class="btn btn-ghost" data-testid="sign-out">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <div class="app">
        <nav aria-label="Main" class="side-nav">
          <ul>
            <For each={NAV.filter((n) => !n.admin || isAdmin())}>
              {(item) => (
                <li>
                  <A href={item.href} end={!['/admin', '/stacks'].includes(item.href)} activeClass="active">
                    {item.label}
                  </A>
                </li>
              )}
            </For>
          </ul>
        </nav>
        <main id="main" tabindex="-1" class="page">
          <div class="page-head">
            <h1>{props.title}</h1>
            {props.actions}
          </div>
          <Show when={failureOf(me())}>{(f) => <Problem result={f()} what="your account" />}</Show>
          {props.children}
        </main>
      </div>
    </>
  );
}
