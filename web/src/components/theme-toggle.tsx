import { createSignal, For, onMount } from 'solid-js';

type Theme = 'system' | 'light' | 'dark';
const KEY = 'kombify-theme';
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const ICON: Record<Theme, string> = { system: '◐', light: '☀', dark: '☾' };

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

/**
 * Cycles system → light → dark. The stored choice is applied before first paint by entry-server's
 * script, and the button shows it from there through CSS (app.css, `.theme-choice`): the server
 * cannot know it, and swapping the label when the page hydrates would shift the header.
 */
export function ThemeToggle() {
  const [theme, setTheme] = createSignal<Theme>('system');
  onMount(() => {
    const stored = document.documentElement.dataset.theme;
    if (stored === 'light' || stored === 'dark') setTheme(stored);
  });
  const cycle = () => {
    const next = NEXT[theme()];
    setTheme(next);
    applyTheme(next);
  };
  return (
    <button type="button" class="btn btn-ghost" onClick={cycle} data-testid="theme-toggle">
      <For each={['system', 'light', 'dark'] as const}>
        {(t) => (
          <span class="theme-choice" data-choice={t}>
            <span aria-hidden="true">{ICON[t]}</span>
            <span class="sr-only">Theme: </span>
            <span class="theme-label">{t}</span>
          </span>
        )}
      </For>
    </button>
  );
}
