import { createAsync, useSearchParams } from '@solidjs/router';
import { AppShell } from '../components/app-shell.tsx';
import { SearchForm } from '../components/search-form.tsx';
import { Empty, Section } from '../components/states.tsx';
import { ToolList } from '../components/tool-list.tsx';
import { getLauncher } from '../features/catalog/index.ts';

/** The tools launcher: reviewed tools from the catalog, searchable. */
export default function Tools() {
  const [params] = useSearchParams();
  const q = () => (typeof params.q === 'string' ? params.q : '');
  const tools = createAsync(() => getLauncher(q()));
  return (
    <AppShell title="Tools">
      <SearchForm label="Search tools" id="tools-q" />
      <Section
        result={tools()}
        what="the tools"
        empty={<Empty title={q() ? `No tools match “${q()}”.` : 'No tools in the catalog yet.'} />}
      >
        {(list) => <ToolList tools={list} />}
      </Section>
    </AppShell>
  );
}
