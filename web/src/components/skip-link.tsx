/**
 * First focusable element on every page: jumps past the navigation to the page's content. Focus is
 * moved by hand because the router handles in-page links without moving focus.
 */
export function SkipLink() {
  return (
    // biome-ignore lint/a11y/useValidAnchor: a real link (works without JS); the handler only adds the focus move.
    <a
      class="skip-link"
      href="#main"
      onClick={(e) => {
        const main = document.getElementById('main');
        if (!main) return;
        e.preventDefault();
        main.focus();
        main.scrollIntoView();
      }}
    >
      Skip to content
    </a>
  );
}
