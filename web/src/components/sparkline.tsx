import { Show } from 'solid-js';

/**
 * A tiny line chart of fractions (0–1, higher values drawn at the top) with its latest value, for CPU, memory and disk. The SVG is
 * decorative; the label and the number say it in text.
 */
export function Sparkline(props: {
  label: string;
  values: number[];
  testid?: string;
  /** How the latest value reads; a percentage by default. */
  format?: (value: number) => string;
}) {
  const W = 96;
  const H = 28;
  const points = () => {
    const v = props.values.slice(-60);
    if (v.length === 0) return '';
    const step = v.length > 1 ? W / (v.length - 1) : 0;
    return v
      .map((x, i) => `${(i * step).toFixed(1)},${(H - Math.min(1, Math.max(0, x)) * (H - 2) - 1).toFixed(1)}`)
      .join(' ');
  };
  const last = () => props.values.at(-1);
  return (
    <div class="spark" data-testid={props.testid}>
      <span class="spark-label">{props.label}</span>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true">
        <polyline points={points()} fill="none" stroke="currentColor" stroke-width="1.5" />
      </svg>
      <span class="spark-value">
        <Show when={last() !== undefined} fallback="—">
          {(props.format ?? ((v: number) => `${Math.round(v * 100)}%`))(last() ?? 0)}
        </Show>
      </span>
    </div>
  );
}
