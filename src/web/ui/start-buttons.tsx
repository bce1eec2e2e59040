/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Links to the start forms of a flow that the user may use. */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import { mayTake } from '../../engine/actions.ts';
import type { WebEnv } from '../env.ts';

export function startNodes(flow: FlowSpec, c: Context<WebEnv>) {
  const user = c.var.user;
  return flow.startNodes.filter((node) => node.kind === 'start' && user && mayTake(flow, node, user));
}

export function StartButtons({ c, flow }: { c: Context<any>; flow: FlowSpec }) {
  const { urls } = (c as Context<WebEnv>).var.flowlane;
  const nodes = startNodes(flow, c);
  if (nodes.length === 0) return <></>;
  return (
    <div class="fl-actions">
      {nodes.map((node) => (
        <a class="fl-button" href={urls.start(flow.label, node.name)}>
          {node.annotation.title ?? `Start ${flow.title}`}
        </a>
      ))}
    </div>
  );
}
