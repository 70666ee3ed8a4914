import type { KitInfo } from '@kombify/stackkits';
import { For, Show } from 'solid-js';

/** What a StackKit needs of its nodes: count, operating systems, minimum resources per role, notes. */
export function KitRequirements(props: { requirements: KitInfo['requirements'] }) {
  const r = () => props.requirements;
  return (
    <ul class="requirements" data-testid="kit-requirements">
      <li>
        Nodes: {r().nodes.min}
        {r().nodes.max === null
          ? ' or more'
          : r().nodes.max === r().nodes.min
            ? ' exactly'
            : ` to ${r().nodes.max}`}
      </li>
      <li>Operating systems: {r().os.join(', ')}</li>
      <For each={r().minimums}>
        {(m) => (
          <li>
            {m.role}: at least {m.cpu} CPU, {m.memoryGi} GiB memory, {m.diskGi} GiB disk
          </li>
        )}
      </For>
      <Show when={r().managerCounts}>{(counts) => <li>Swarm managers: {counts().join(', ')}</li>}</Show>
      <For each={r().notes}>{(note) => <li>{note}</li>}</For>
    </ul>
  );
}
