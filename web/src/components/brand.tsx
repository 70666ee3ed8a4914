import { A } from '@solidjs/router';

export function Brand() {
  return (
    <A href="/" class="brand">
      <span class="brand-mark" aria-hidden="true">
        k
      </span>
      <span class="brand-name">kombify</span>
    </A>
  );
}
