import { A } from '@solidjs/router';

export function SiteFooter() {
  return (
    <footer class="site-footer">
      <nav aria-label="Footer">
        <A href="/features">Features</A>
        <A href="/pricing">Pricing</A>
        <a rel="external" href="/auth/signin?return_to=%2Fdashboard">
          Sign in
        </a>
      </nav>
      <p class="muted">kombify — homelab and hybrid infrastructure, described once.</p>
    </footer>
  );
}
