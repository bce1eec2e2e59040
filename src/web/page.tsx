/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The shell of every workflow page: the layout with navigation (inbox and
 * queue with their counts, archive, the dashboards the user may see),
 * flash messages and the signed-in user.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { Layout, layoutProps, type NavLink } from './layout.tsx';
import type { WebEnv } from './env.ts';
import { inboxCount, queueCount } from './queries.ts';
import { canViewFlow } from './visibility.ts';
import { readerOf } from './lookup.ts';
import { WORKFLOW_STYLESHEET_URL } from './ui/styles.ts';

async function navigation(c: Context<WebEnv>): Promise<NavLink[]> {
  const { flowlane, user } = c.var;
  if (!user) return [];
  const { urls, flows } = flowlane;
  const db = readerOf(c);
  // One count statement each; the queue's stops at QUEUE_COUNT_CAP ("999+").
  const [inbox, queue] = await Promise.all([inboxCount(db, flows, user), queueCount(db, flows, user)]);
  const path = new URL(c.req.url).pathname.replace(/(.)\/+$/, '$1');
  const links: NavLink[] = [
    { href: urls.inbox(), label: 'Inbox', count: inbox },
    { href: urls.queue(), label: 'Queue', count: queue.more ? `${queue.count}+` : queue.count },
    { href: urls.archive(), label: 'Archive' },
  ];
  if (!urls.listsOf) links.unshift({ href: urls.home, label: 'Start' });
  for (const flow of flows) if (canViewFlow(flow, user)) links.push({ href: urls.dashboard(flow.label), label: flow.title });
  return links.map((link) => ({ ...link, current: link.href === path }));
}

/** `head`: extra elements for the document's head (a page's own stylesheet, say). */
export async function Page({ c, title, head, children }: { c: Context<any>; title: string; head?: Child; children?: Child }) {
  const web = c as Context<WebEnv>;
  const nav = await navigation(web);
  return (
    <Layout title={title} nav={nav} homeUrl={web.var.flowlane.urls.home} head={
        <>
          <link rel="stylesheet" href={WORKFLOW_STYLESHEET_URL} />
          {head}
        </>
      } {...layoutProps(web)}>
      {children}
    </Layout>
  );
}
