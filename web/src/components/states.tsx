import { type JSX, Match, Switch } from 'solid-js';
import type { EdgeResult } from '../lib/edge-result.ts';

type Failure = Extract<EdgeResult<unknown>, { ok: false }>;

/** Why something could not be shown, in words, with the edge's own message. */
export function Problem(props: { result: Failure; what: string }) {
  return (
    <div class="notice notice-bad" role="alert" data-testid="problem">
      <p class="notice-title">
        <Switch fallback={<>Could not load {props.what}.</>}>
          <Match when={props.result.status === 0}>
            The edge cannot be reached, so {props.what} cannot be loaded.
          </Match>
          <Match when={props.result.status === 403}>You are not allowed to see {props.what}.</Match>
        </Switch>
      </p>
      <p class="muted">
        {props.result.message} <span class="mono">({props.result.code})</span>
      </p>
    </div>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p class="loading muted" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {props.what}…
    </p>
  );
}

export function Empty(props: { title: string; children?: JSX.Element; testid?: string }) {
  return (
    <div class="empty" data-testid={props.testid}>
      <p class="notice-title">{props.title}</p>
      {props.children}
    </div>
  );
}

const isEmptyList = (v: unknown) => Array.isArray(v) && v.length === 0;

/**
 * One async section: loading while `result` is undefined, the failure if it failed, `empty` when
 * the data is an empty list, else the children with the data.
 */
export function Section<T>(props: {
  result: EdgeResult<T> | undefined;
  what: string;
  empty?: JSX.Element;
  children: (data: T) => JSX.Element;
}) {
  return (
    <Switch>
      <Match when={props.result === undefined}>
        <Loading what={props.what} />
      </Match>
      <Match when={props.result && !props.result.ok ? props.result : undefined}>
        {(f) => <Problem result={f()} what={props.what} />}
      </Match>
      {/* `empty` is only read where it is inserted: reading a JSX prop creates its nodes, and
          creating them anywhere else makes hydration lose its place. */}
      <Match when={'empty' in props && props.result?.ok && isEmptyList(props.result.data)}>
        {props.empty}
      </Match>
      {/* Keyed: every fresh read (polling, revalidation after an action) renders the new data. */}
      <Match when={props.result?.ok ? props.result.data : undefined} keyed>
        {(data) => props.children(data)}
      </Match>
    </Switch>
  );
}
