import { createAsync, useSearchParams } from '@solidjs/router';
import { AdminTabs } from '../../components/admin-tabs.tsx';
import { AppShell } from '../../components/app-shell.tsx';
import { SearchForm } from '../../components/search-form.tsx';
import { Empty, Section } from '../../components/states.tsx';
import { ToolList } from '../../components/tool-list.tsx';
import { getCatalog } from '../../features/admin/index.ts';

/** Admin: the whole tools catalog (reviewed or not) with ranked full-text search. */
export default function AdminCatalog() {
  const [params] = useSearchParams();
  const q = () => (typeof params.q === 'string' ? params.q : '');
  const tools = createAsync(() => getCatalog(q()));
  return (
    <AppShell title="Admin: catalog">
      <AdminTabs />
      <SearchForm label="Search the catalog" id="catalog-q" />
      <Section
        result={tools()}
        what="the catalog"
        empty={<Empty title={q() ? `Nothing matches “${q()}”.` : 'The catalog is empty.'} />}
      >
        {(list) => <ToolList tools={list} />}
      </Section>
    </AppShell>
  );
}
