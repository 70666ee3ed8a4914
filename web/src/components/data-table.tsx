import { For, type JSX } from 'solid-js';

/** A scrollable table with a caption for screen readers and column headers; rows are the children. */
export function DataTable(props: {
  caption: string;
  columns: string[];
  card?: boolean;
  children: JSX.Element;
}) {
  return (
    <div class={props.card ? 'table-wrap card' : 'table-wrap'}>
      <table>
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            <For each={props.columns}>
              {(c) => <th scope="col">{c || <span class="sr-only">Actions</span>}</th>}
            </For>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
