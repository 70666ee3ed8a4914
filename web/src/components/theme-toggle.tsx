import { createSignal, onMount } from 'solid-js';

type Theme = 'system' | 'light' | 'dark';
const KEY = 'kombify-theme';
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };

/** Applies a theme choice to the page (`system` follows prefers-color-scheme) and remembers it. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** Cycles system → light → dark. The stored choice is applied before first paint by entry-server's script. */
export function ThemeToggle() {
  const [theme, setTheme] = createSignal<Theme>('system');
  onMount(() => {
    const stored = localStorage.getItem(KEY);
    if (stored === 'light' || stored === 'dark') setTheme(stored);
  });
  const cycle = () => {
    const next = NEXT[theme()];
    setTheme(next);
    applyTheme(next);
  };
  return (
    <button type="button" class="btn btn-ghost" onClick={cycle} data-testid="theme-toggle">
      <span aria-hidden="true">{theme() === 'dark' ? '☾' : theme() === 'light' ? '☀' : '◐'}</span>
      <span class="sr-only">Theme: </span>
      <span class="theme-label">{theme()}</span>
    </button>
  );
}
