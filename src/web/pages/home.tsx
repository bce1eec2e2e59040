/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** The start page of a workflow viewset: each flow the user may start or see. */
import type { Context } from 'hono';
import type { WebEnv } from '../env.ts';
import { Page } from '../page.tsx';
import { canViewFlow } from '../visibility.ts';
import { StartButtons, startNodes } from '../ui/start-buttons.tsx';

export function homePage(c: Context<WebEnv>) {
  const { flows, urls } = c.var.flowlane;
  const user = c.var.user!;
  const shown = flows.filter((flow) => canViewFlow(flow, user) || startNodes(flow, c).length > 0);
  return c.html(
    <Page c={c} title="Start">
      {shown.length === 0 ? <p class="fl-empty">There is no flow you may start or see. Your tasks are in the inbox and the queue.</p> : ''}
      <ul class="fl-cards">
        {shown.map((flow) => (
          <li class="fl-panel">
            <h2>{canViewFlow(flow, user) ? <a href={urls.dashboard(flow.label)}>{flow.title}</a> : flow.title}</h2>
            {flow.description ? <p>{flow.description}</p> : ''}
            <StartButtons c={c} flow={flow} />
          </li>
        ))}
      </ul>
    </Page>,
  );
}
