import { A } from '@solidjs/router';

/**
 * Admin sections. Users (with impersonation) and the billing overview come from the portal work;
 * add `{ href: '/admin/users', … }` and `{ href: '/admin/billing', … }` here when their APIs land.
 */
export function AdminTabs() {
  return (
    <nav aria-label="Admin" class="tabs">
      <A href="/admin" end activeClass="active">
        Catalog
      </A>
      <A href="/admin/flags" activeClass="active">
        Feature flags
      </A>
      <A href="/admin/audit" activeClass="active">
        Audit log
      </A>
    </nav>
  );
}
