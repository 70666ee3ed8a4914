import type { AccessMode, KitInfo, NodeType } from '@kombify/stackkits';
import { createAsync, type RouteDefinition, useAction, useNavigate } from '@solidjs/router';
import { createMemo, createSignal, For, Index, Show } from 'solid-js';
import { AppShell } from '../../components/app-shell.tsx';
import { ComposeImport } from '../../components/compose-import.tsx';
import { KitRequirements } from '../../components/kit-requirements.tsx';
import '../../components/orchestration.css';
import { SpecEditor, type Validation } from '../../components/spec-editor.tsx';
import { Section } from '../../components/states.tsx';
import { SubmissionNote } from '../../components/submission-note.tsx';
import { getKits } from '../../features/catalog/index.ts';
import { createStack } from '../../features/stacks/index.ts';
import type { EdgeResult } from '../../lib/edge-result.ts';
import { preloadFrom } from '../../lib/route-preload.ts';

export const route = {
  preload: preloadFrom(
    () => import('../../features/catalog/index.ts'),
    (f) => [f.getKits()],
  ),
} satisfies RouteDefinition;

type NodeRow = { name: string; type: NodeType };
/** The kit's options the form offers; empty means the kit's default (nothing written). */
type KitOptions = { domain: string; access: '' | AccessMode; timezone: string };

/** The kombination.yaml a StackKit choice stands for. */
function specFor(name: string, kit: string, variant: string, nodes: NodeRow[], options: KitOptions): string {
  const domain = options.domain.trim();
  const timezone = options.timezone.trim();
  const network = [
    ...(domain ? [`  domain: ${domain}`] : []),
    ...(options.access ? [`  access: ${options.access}`] : []),
  ];
  return [
    `name: ${name || 'my-stack'}`,
    `kit: ${kit}`,
    `variant: ${variant}`,
    'nodes:',
    ...nodes.flatMap((n) => [`  - name: ${n.name}`, `    type: ${n.type}`]),
    ...(network.length ? ['network:', ...network] : []),
    ...(timezone ? ['system:', `  timezone: ${timezone}`] : []),
    '',
  ].join('\n');
}

/**
 * A new stack: pick a StackKit (kit → variant → nodes → options, with the kit's requirements), which
 * writes a kombination.yaml into the editor; or import a docker-compose.yml (its warnings marked at
 * their lines in the compose file); or paste/edit the YAML directly. The edge checks it as
 * you type; creating sends the text with any image overrides.
 */
export default function NewStack() {
  const kits = createAsync(() => getKits());
  const navigate = useNavigate();
  const create = useAction(createStack);
  const [kitName, setKitName] = createSignal('base-homelab');
  const [variant, setVariant] = createSignal('');
  const [stackName, setStackName] = createSignal('');
  const [nodes, setNodes] = createSignal<NodeRow[]>([{ name: 'server', type: 'main' }]);
  const [options, setOptions] = createSignal<KitOptions>({ domain: '', access: '', timezone: '' });
  const setOption = (patch: Partial<KitOptions>) => setOptions({ ...options(), ...patch });
  const [yaml, setYaml] = createSignal('');
  const [images, setImages] = createSignal('');
  const [validation, setValidation] = createSignal<Validation>({ state: 'idle' });
  const [outcome, setOutcome] = createSignal<EdgeResult<unknown>>();
  const [busy, setBusy] = createSignal(false);

  const kit = (list: KitInfo[]) => list.find((k) => k.name === kitName()) ?? list[0];
  const setNode = (i: number, patch: Partial<NodeRow>) =>
    setNodes(nodes().map((n, j) => (i === j ? { ...n, ...patch } : n)));

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await create(yaml(), images());
      setOutcome(r);
      if (r.ok) navigate(`/stacks/${r.data.id}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AppShell title="New stack">
      <section class="card" aria-labelledby="from-kit">
        <h2 id="from-kit">From a StackKit</h2>
        <Section result={kits()} what="the StackKits">
          {(list) => {
            const chosen = createMemo(() => kit(list as KitInfo[]));
            const chosenVariant = () => {
              const k = chosen();
              return (
                k?.variants.find((v) => v.name === variant()) ??
                k?.variants.find((v) => v.name === k.defaultVariant)
              );
            };
            return (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  const k = chosen();
                  if (k)
                    setYaml(
                      specFor(
                        stackName(),
                        k.name,
                        chosenVariant()?.name ?? k.defaultVariant,
                        nodes(),
                        options(),
                      ),
                    );
                }}
              >
                <fieldset class="choice-grid">
                  <legend>1. Kit</legend>
                  <For each={list as KitInfo[]}>
                    {(k) => (
                      <label class="choice" data-testid="kit-choice">
                        <input
                          type="radio"
                          name="kit"
                          value={k.name}
                          checked={k.name === chosen()?.name}
                          onChange={() => {
                            setKitName(k.name);
                            setVariant('');
                          }}
                        />
                        <strong>{k.name}</strong>
                        <p class="small muted">{k.summary}</p>
                      </label>
                    )}
                  </For>
                </fieldset>
                <Show when={chosen()}>
                  {(k) => (
                    <>
                      <fieldset class="choice-grid">
                        <legend>2. Variant</legend>
                        <For each={k().variants}>
                          {(v) => (
                            <label class="choice">
                              <input
                                type="radio"
                                name="variant"
                                value={v.name}
                                checked={v.name === chosenVariant()?.name}
                                onChange={() => setVariant(v.name)}
                              />
                              <strong>{v.name}</strong>
                              <p class="small muted">{v.summary}</p>
                              <p class="small">{v.services.map((s) => s.name).join(', ')}</p>
                            </label>
                          )}
                        </For>
                      </fieldset>
                      <h3>Requirements of {k().name}</h3>
                      <KitRequirements requirements={k().requirements} />
                    </>
                  )}
                </Show>
                <fieldset class="choice-grid">
                  <legend>3. Nodes</legend>
                  <Index each={nodes()}>
                    {(n, i) => (
                      <div class="form-row">
                        <label for={`node-name-${i}`}>Node {i + 1}</label>
                        <input
                          id={`node-name-${i}`}
                          value={n().name}
                          required
                          pattern="[a-z0-9][a-z0-9\-]*"
                          onInput={(e) => setNode(i, { name: e.currentTarget.value })}
                        />
                        <label class="sr-only" for={`node-type-${i}`}>
                          Type of node {i + 1}
                        </label>
                        <select
                          id={`node-type-${i}`}
                          value={n().type}
                          onChange={(e) => setNode(i, { type: e.currentTarget.value as NodeRow['type'] })}
                        >
                          <option value="main">main</option>
                          <option value="worker">worker</option>
                          <option value="edge">edge</option>
                        </select>
                        <Show when={nodes().length > 1}>
                          <button
                            type="button"
                            class="btn btn-small"
                            onClick={() => setNodes(nodes().filter((_, j) => j !== i))}
                          >
                            Remove node {i + 1}
                          </button>
                        </Show>
                      </div>
                    )}
                  </Index>
                  <div>
                    <button
                      type="button"
                      class="btn btn-small"
                      onClick={() =>
                        setNodes([...nodes(), { name: `worker-${nodes().length}`, type: 'worker' }])
                      }
                    >
                      Add a node
                    </button>
                  </div>
                </fieldset>
                <fieldset>
                  <legend>4. Options (empty: the kit's default)</legend>
                  <div class="form-row">
                    <label for="kit-domain">Domain</label>
                    <input
                      id="kit-domain"
                      placeholder="home.example.com"
                      value={options().domain}
                      onInput={(e) => setOption({ domain: e.currentTarget.value })}
                    />
                    <label for="kit-access">Services reached by</label>
                    <select
                      id="kit-access"
                      value={options().access}
                      onChange={(e) => setOption({ access: e.currentTarget.value as KitOptions['access'] })}
                    >
                      <option value="">kit default (proxy when a domain is set)</option>
                      <option value="ports">ports: each service on its host port</option>
                      <option value="proxy">proxy: Traefik host rules under the domain</option>
                    </select>
                    <label for="kit-timezone">Time zone</label>
                    <input
                      id="kit-timezone"
                      placeholder="UTC"
                      value={options().timezone}
                      onInput={(e) => setOption({ timezone: e.currentTarget.value })}
                    />
                  </div>
                </fieldset>
                <div class="form-row">
                  <label for="kit-stack-name">5. Stack name</label>
                  <input
                    id="kit-stack-name"
                    required
                    pattern="[a-z0-9][a-z0-9\-]*"
                    placeholder="my-homelab"
                    value={stackName()}
                    onInput={(e) => setStackName(e.currentTarget.value)}
                  />
                  <button type="submit" class="btn" data-testid="write-spec">
                    Write kombination.yaml
                  </button>
                </div>
              </form>
            );
          }}
        </Section>
      </section>
      <ComposeImport onImported={setYaml} />
      <section class="card" aria-labelledby="spec-title">
        <h2 id="spec-title">
          <label for="spec-yaml" id="spec-yaml-label">
            kombination.yaml
          </label>
        </h2>
        <p class="muted small">Paste or edit the spec; the edge checks it as you type.</p>
        <form onSubmit={submit}>
          <SpecEditor
            id="spec-yaml"
            labelledBy="spec-yaml-label"
            value={yaml()}
            onInput={setYaml}
            onValidated={setValidation}
          />
          <details>
            <summary>Image overrides</summary>
            <p class="muted small">
              One <span class="mono">service=image</span> a line, e.g. a registry mirror's copy.
            </p>
            <label class="sr-only" for="image-overrides">
              Image overrides
            </label>
            <textarea
              id="image-overrides"
              class="mono"
              rows={4}
              cols={60}
              value={images()}
              onInput={(e) => setImages(e.currentTarget.value)}
              data-testid="image-overrides"
            />
          </details>
          <div class="form-row">
            <button
              type="submit"
              class="btn btn-primary"
              disabled={busy() || validation().state !== 'valid'}
              data-testid="create-stack"
            >
              {busy() ? 'Creating…' : 'Create stack'}
            </button>
            <Show when={validation().state !== 'valid' && yaml().trim()}>
              <span class="muted small">Fix the spec's problems to create it.</span>
            </Show>
          </div>
          <SubmissionNote result={outcome()} done="Stack created." />
        </form>
      </section>
    </AppShell>
  );
}
