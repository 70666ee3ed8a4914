import type { PlanLimits } from '@kombify/proto/api';

const n = (v: number) => v.toLocaleString('en');

/** A plan's limits as a definition list. */
export function PlanLimitsList(props: { limits: PlanLimits }) {
  return (
    <dl class="facts">
      <div>
        <dt>Nodes</dt>
        <dd data-testid="limit-nodes">{n(props.limits.nodes)}</dd>
      </div>
      <div>
        <dt>Stacks</dt>
        <dd>
          {n(props.limits.stacks)}
          {props.limits.stacksWritable ? '' : ' (read-only)'}
        </dd>
      </div>
      <div>
        <dt>Simulations</dt>
        <dd>{n(props.limits.simulationsPerMonth)} a month</dd>
      </div>
      <div>
        <dt>API requests</dt>
        <dd>{n(props.limits.rateLimitPerMinute)} a minute</dd>
      </div>
      <div>
        <dt>StackKits</dt>
        <dd>{props.limits.stackkits === 'all' ? 'all kits' : 'public kits'}</dd>
      </div>
    </dl>
  );
}
