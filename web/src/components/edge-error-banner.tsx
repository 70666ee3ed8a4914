import { Match, Switch } from 'solid-js';
import { type EdgeResult, problemOf } from '../lib/edge-result.ts';

/**
 * The edge itself is down or answering nonsense: said once, at the top, with what to do.
 * Renders nothing while the edge answers properly.
 */
export function EdgeErrorBanner(props: { result: EdgeResult<unknown> | undefined }) {
  return (
    <Switch>
      <Match when={problemOf(props.result, 'unreachable')}>
        {(p) => (
          <div class="banner banner-error" role="alert" data-testid="edge-error">
            <p class="banner-title">
              Edge unreachable at {props.result?.edgeUrl}: {p().reason}
            </p>
            <p class="banner-hint">
              Start the stack with <code>npm start</code>, or point <code>KOMBIFY_EDGE_URL</code> at a running
              edge. This page retries every 5 s.
            </p>
          </div>
        )}
      </Match>
      <Match when={problemOf(props.result, 'http')}>
        {(p) => (
          <div class="banner banner-error" role="alert" data-testid="edge-error">
            <p class="banner-title">
              The edge at {props.result?.edgeUrl} answered HTTP {p().status}: {p().message}
            </p>
            <p class="banner-hint">
              Error code <code>{p().code}</code>. Check that <code>KOMBIFY_EDGE_URL</code> points at a kombify
              edge.
            </p>
          </div>
        )}
      </Match>
    </Switch>
  );
}
