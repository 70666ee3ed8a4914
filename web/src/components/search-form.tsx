import { useSearchParams } from '@solidjs/router';

/** A GET search box that keeps its query in the URL (`?q=`), so results can be linked and reloaded. */
export function SearchForm(props: { label: string; id: string }) {
  const [params] = useSearchParams();
  return (
    <form method="get" class="form-row">
      <label for={props.id}>{props.label}</label>
      <input id={props.id} name="q" type="search" value={typeof params.q === 'string' ? params.q : ''} />
      <button type="submit" class="btn">
        Search
      </button>
    </form>
  );
}
