import { Title } from '@solidjs/meta';
import { A } from '@solidjs/router';
import { PublicHeader } from '../components/public-header.tsx';
import { SiteFooter } from '../components/site-footer.tsx';

/** The landing page: what kombify does, and the one line that adds a node. Deliberately little JS. */
export default function Landing() {
  return (
    <>
      <Title>kombify · run your homelab from the cloud</Title>
      <PublicHeader />
      <main id="main" tabindex="-1" class="marketing">
        <section class="hero">
          <h1>Run your homelab and hybrid infrastructure from one place.</h1>
          <p class="lead">
            Describe your stack once, simulate it, deploy it to your own machines, and see what runs where —
            without opening a single inbound port.
          </p>
          <div class="hero-actions">
            <a rel="external" class="btn btn-primary btn-lg" href="/auth/signin?return_to=%2Fdashboard">
              Get started
            </a>
            <A class="btn btn-lg" href="/features">
              See how it works
            </A>
          </div>
        </section>
        <section class="demo" aria-labelledby="demo-title">
          <h2 id="demo-title">Add a node with one line</h2>
          <p class="muted">
            Sign in, open <em>Add a node</em>, and paste the line it gives you on your server. The agent dials
            out to kombify; it shows up on your dashboard seconds later.
          </p>
          <pre class="terminal">
            <code>
              <span class="prompt" aria-hidden="true">
                ${' '}
              </span>
              curl -fsSL https://edge.kombify.io/install.sh | sh -s -- --token kfe_…
            </code>
          </pre>
        </section>
        <section class="steps" aria-labelledby="steps-title">
          <h2 id="steps-title">From nothing to a running stack</h2>
          <ol class="step-list">
            <li>
              <h3>Connect your machines</h3>
              <p>An agent on each node runs Docker and OpenTofu for you. It only ever connects out.</p>
            </li>
            <li>
              <h3>Pick a StackKit</h3>
              <p>
                Blueprints for one server, a hybrid homelab or a highly available Swarm, with sane defaults.
              </p>
            </li>
            <li>
              <h3>Simulate, then deploy</h3>
              <p>Try the whole stack on simulated nodes first; then deploy the same plan to the real ones.</p>
            </li>
          </ol>
        </section>
      </main>
      <SiteFooter />
    </>
  );
}
