/**
 * `stackkit status`: what the spec describes, what `generate` left in the deployment directory
 * (and whether the spec changed since), and a summary of tofu's state when there is one.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Plan, type ResolveOptions, resolve, type Spec } from '../index.ts';
import { CliError } from './args.ts';
import { type Context, display, type LoadedSpec, loadSpec } from './context.ts';
import { deployDir, type Manifest, readManifest, sha256 } from './generate.ts';
import { readState, type StateSummary } from './state.ts';

export interface ServiceStatus {
  name: string;
  nodes: string[];
  image: string;
  url: string | null;
  swarm: boolean;
}

/** Services in dependency order with where they run, their image and URL. */
export function servicesOf(plan: Plan): ServiceStatus[] {
  const byName = new Map<string, ServiceStatus>();
  const entry = (name: string, image: string, swarm: boolean) => {
    let s = byName.get(name);
    if (!s) {
      s = { name, nodes: [], image, url: null, swarm };
      byName.set(name, s);
    }
    return s;
  };
  for (const node of plan.nodes) {
    for (const c of node.containers) entry(c.service, c.image, false).nodes.push(node.name);
  }
  for (const s of plan.swarm?.services ?? []) entry(s.service, s.image, true);
  for (const o of plan.outputs) {
    const s = byName.get(o.service);
    if (s) s.url ??= o.url;
  }
  return plan.order.filter((name) => byName.has(name)).map((name) => byName.get(name)!);
}

export interface StatusReport {
  spec: {
    file: string;
    exists: boolean;
    valid: boolean;
    errors: LoadedSpec['errors'];
    name?: string;
    kit?: string;
    variant?: string;
    nodes?: { name: string; type: string; provider: string; address: string; dockerHost: string }[];
    services?: ServiceStatus[];
  };
  deploy: {
    dir: string;
    exists: boolean;
    files: { file: string; bytes: number }[];
    generatedBy: Manifest | null;
    /** The spec's bytes are those it was generated from; null when unknown. */
    upToDate: boolean | null;
    /** `tofu init` has run there. */
    initialized: boolean;
  };
  state: StateSummary | null;
}

/** The plan with the image options `generate` used (so images match deploy/), if they still apply. */
function planWith(spec: Spec, options: ResolveOptions | undefined): Plan {
  try {
    return resolve(spec, options ?? {});
  } catch {
    return resolve(spec);
  }
}

export function statusReport(ctx: Context): StatusReport {
  let loaded: LoadedSpec | undefined;
  let file = '';
  try {
    loaded = loadSpec(ctx);
    file = loaded.shown;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    file = String(error.details?.file ?? '');
  }
  const dir = deployDir(ctx);
  const exists = existsSync(dir);
  const manifest = exists ? (readManifest(dir) ?? null) : null;
  const plan = loaded?.spec ? planWith(loaded.spec, manifest?.options) : undefined;
  const files = exists
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => ({ file: e.name, bytes: statSync(join(dir, e.name)).size }))
        .sort((a, b) => a.file.localeCompare(b.file))
    : [];
  return {
    spec: {
      file,
      exists: Boolean(loaded),
      valid: Boolean(loaded?.spec),
      errors: loaded?.errors ?? [],
      ...(plan
        ? {
            name: plan.stack.name,
            kit: plan.stack.kit,
            variant: plan.stack.variant,
            nodes: plan.nodes.map((n) => ({
              name: n.name,
              type: n.type,
              provider: n.provider,
              address: n.address,
              dockerHost: n.dockerHost,
            })),
            services: servicesOf(plan),
          }
        : {}),
    },
    deploy: {
      dir: display(ctx, dir),
      exists,
      files,
      generatedBy: manifest,
      upToDate: manifest && loaded ? manifest.spec.sha256 === sha256(loaded.text) : null,
      initialized: existsSync(join(dir, '.terraform')),
    },
    state: exists ? (readState(dir) ?? null) : null,
  };
}

export async function status(ctx: Context): Promise<number> {
  const report = statusReport(ctx);
  const ok = report.spec.valid;
  if (ctx.ui.json) {
    ctx.ui.result(report);
    return ok ? 0 : 1;
  }
  const { ui } = ctx;
  const bold = (t: string) => ui.out('bold', t);
  const s = report.spec;
  if (!s.exists) ui.print(`${bold('Spec')}     ${s.file}: missing (stackkit init <kit> writes one)`);
  else if (!s.valid)
    ui.print(
      `${bold('Spec')}     ${s.file}: ${ui.out('red', `invalid, ${s.errors.length} problem(s)`)} (stackkit validate)`,
    );
  else {
    ui.print(`${bold('Spec')}     ${s.file}: stack ${s.name}, kit ${s.kit}, variant ${s.variant}`);
    for (const n of s.nodes ?? [])
      ui.print(`${bold('Node')}     ${n.name} (${n.type}, ${n.provider}) → ${n.dockerHost}`);
    const services = s.services ?? [];
    const imageWidth = Math.max(0, ...services.map((svc) => svc.image.length));
    for (const svc of services) {
      const where = svc.swarm ? 'swarm' : svc.nodes.join(', ');
      ui.print(
        `${bold('Service')}  ${svc.name.padEnd(16)} ${where.padEnd(10)} ${svc.url ? `${svc.image.padEnd(imageWidth)}  ${svc.url}` : svc.image}`,
      );
    }
  }
  const d = report.deploy;
  if (!d.exists) ui.print(`${bold('Deploy')}   ${d.dir}: not generated yet (stackkit generate)`);
  else {
    const freshness =
      d.upToDate === null
        ? ''
        : d.upToDate
          ? ', matches the spec'
          : `, ${ui.out('yellow', 'spec changed since (stackkit generate)')}`;
    ui.print(
      `${bold('Deploy')}   ${d.dir}: ${d.files.map((f) => f.file).join(', ') || 'empty'}${freshness}${d.initialized ? ', initialized' : ''}`,
    );
  }
  const st = report.state;
  if (!st) ui.print(`${bold('State')}    none (nothing applied from ${d.dir})`);
  else {
    const types = Object.entries(st.byType)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ');
    ui.print(
      `${bold('State')}    ${st.resources} resource(s)${types ? ` (${types})` : ''}, serial ${st.serial ?? '?'}, written by ${st.terraformVersion ?? '?'}`,
    );
    for (const [k, v] of Object.entries(st.outputs))
      ui.print(`         ${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return ok ? 0 : 1;
}
