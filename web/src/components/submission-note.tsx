import { Show } from 'solid-js';
import type { EdgeResult } from '../lib/edge-result.ts';

/** What became of a form: the edge's refusal in words, or a short confirmation. */
export function SubmissionNote(props: { result: EdgeResult<unknown> | undefined; done: string }) {
  return (
    <Show when={props.result}>
      {(r) => (
        <p class={`notice ${r().ok ? 'notice-good' : 'notice-bad'} small`} role={r().ok ? 'status' : 'alert'}>
          {(() => {
            const v = r();
            return v.ok ? props.done : `${v.message} (${v.code})`;
          })()}
        </p>
      )}
    </Show>
  );
}
