import { A } from '@solidjs/router';

/** Admin sections. */
export function AdminTabs() {
  return (
    <nav aria-label="Admin" class="tabs">
      <A href="/admin" end activeClass="active">
        Catalog
      </A>
      <A href="/admin/users" activeClass="active">
        Users
      </A>
      <A href="/admin/billing" activeClass="active">
        Billing
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
