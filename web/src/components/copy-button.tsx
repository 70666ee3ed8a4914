import { createSignal } from 'solid-js';

/** Copies `text` to the clipboard and says so (politely, for screen readers too). */
export function CopyButton(props: { text: string; label?: string; testid?: string }) {
  const [state, setState] = createSignal<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2500);
  };
  return (
    <button type="button" class="btn" onClick={copy} data-testid={props.testid}>
      <span aria-live="polite">
        {state() === 'copied'
          ? 'Copied'
          : state() === 'failed'
            ? 'Copy failed: select and copy'
            : (props.label ?? 'Copy')}
      </span>
    </button>
  );
}
