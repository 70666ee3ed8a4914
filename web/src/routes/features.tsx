import { Title } from '@solidjs/meta';
import { For } from 'solid-js';
import { PublicHeader } from '../components/public-header.tsx';
import { SiteFooter } from '../components/site-footer.tsx';

const FEATURES = [
  {
    title: 'Agents that dial out',
    text: 'Each node runs a small agent that connects to kombify over ConnectRPC. No inbound ports, no VPN to set up first.',
  },
  {
    title: 'Live dashboard',
    text: 'See every node online or offline, with CPU, memory and disk from its heartbeats, and what happened recently.',
  },
  {
    title: 'StackKits',
    text: 'Blueprints in layers — base, platform, kit — for one server, a hybrid homelab, or a highly available Swarm.',
  },
  {
    title: 'One spec, validated',
    text: 'A kombination.yaml names your kit, variant and nodes. Every error comes with its path and line.',
  },
  {
    title: 'Simulate first',
    text: 'Run your stack on simulated nodes reachable over real SSH, then deploy the very same plan to your machines.',
  },
  {
    title: 'Teams, keys and billing',
    text: 'Sign in with OpenID Connect, invite your team with roles, create API keys for scripts, pay through Stripe.',
  },
];

export default function Features() {
  return (
    <>
      <Title>Features · kombify</Title>
      <PublicHeader />
      <main id="main" tabindex="-1" class="marketing">
        <h1>What kombify does</h1>
        <ul class="feature-grid">
          <For each={FEATURES}>
            {(f) => (
              <li class="card">
                <h2>{f.title}</h2>
                <p class="muted">{f.text}</p>
              </li>
            )}
          </For>
        </ul>
      </main>
      <SiteFooter />
    </>
  );
}
