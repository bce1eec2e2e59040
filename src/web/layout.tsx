/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The page shell every Flowlane page renders into: header with the product
 * name, navigation and the signed-in user, flash messages, then the page.
 *
 * ```tsx
 * return c.html(
 *   <Layout title="Inbox" nav={[{ href: '/workflow/inbox', label: 'Inbox', count: 3, current: true }]} {...layoutProps(c)}>
 *     <table>…</table>
 *   </Layout>,
 * );
 * ```
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { FlowUser } from '../engine/user.ts';
import type { AuthEnv } from './auth/env.ts';
import { csrfToken } from './auth/csrf.ts';
import { takeFlash, type FlashMessage } from './flash.ts';
import { STYLESHEET_URL } from './static.ts';

export interface NavLink {
  href: string;
  label: string;
  /** Shown after the label, e.g. "Inbox (3)"; text for a capped count, e.g. "999+". */
  count?: number | string;
  /** Marks the link of the page being shown. */
  current?: boolean;
}

export interface LayoutProps {
  /** The page's name: the document title and the page heading. */
  title: string;
  user: FlowUser | null;
  /** Token for the logout form (see csrfToken). */
  csrf: string;
  nav?: NavLink[];
  flash?: FlashMessage[];
  homeUrl?: string;
  loginUrl?: string;
  logoutUrl?: string;
  /** Extra elements for <head>: a page's stylesheets, meta tags. */
  head?: Child;
  children?: Child;
}

/** A small icon inline, so browsers do not ask for /favicon.ico (a 404 on every page otherwise). */
const FAVICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2557c9"/>' +
      '<path d="M8 10h16M8 16h11M8 22h6" stroke="#fff" stroke-width="3.2" stroke-linecap="round"/></svg>',
  );

/** The props every page takes from the request: user, CSRF token, and the flash messages (which it consumes). */
export function layoutProps(c: Context): Pick<LayoutProps, 'user' | 'csrf' | 'flash'> {
  return { user: (c as Context<AuthEnv>).var.user ?? null, csrf: csrfToken(c), flash: takeFlash(c) };
}

function Navigation({ links }: { links: NavLink[] }) {
  return (
    <nav class="fl-nav" aria-label="Main">
      <ul>
        {links.map((link) => (
          <li>
            <a href={link.href} aria-current={link.current ? 'page' : undefined}>
              {link.label}
              {link.count === undefined ? '' : <span class="fl-count"> ({link.count})</span>}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Account({ user, csrf, loginUrl, logoutUrl }: { user: FlowUser | null; csrf: string; loginUrl: string; logoutUrl: string }) {
  if (!user) {
    return (
      <div class="fl-account">
        <a href={loginUrl}>Log in</a>
      </div>
    );
  }
  return (
    <div class="fl-account">
      <span>
        Signed in as <strong>{user.username}</strong>
      </span>
      <form method="post" action={logoutUrl}>
        <input type="hidden" name="_csrf" value={csrf} />
        <button type="submit">Log out</button>
      </form>
    </div>
  );
}

function FlashList({ messages }: { messages: FlashMessage[] }) {
  return (
    <ul class="fl-messages" aria-label="Messages">
      {messages.map((message) => (
        // Errors interrupt a screen reader; other news waits its turn.
        <li class={`fl-message fl-message-${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </li>
      ))}
    </ul>
  );
}

export function Layout(props: LayoutProps) {
  const { title, user, csrf, nav = [], flash = [], homeUrl = '/', loginUrl = '/accounts/login', logoutUrl = '/accounts/logout' } = props;
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{title} · Flowlane</title>
          <link rel="icon" type="image/svg+xml" href={FAVICON} />
          <link rel="stylesheet" href={STYLESHEET_URL} />
          {props.head}
        </head>
        <body>
          <a class="fl-skip-link" href="#main">
            Skip to main content
          </a>
          <header class="fl-header">
            <a class="fl-brand" href={homeUrl}>
              Flowlane
            </a>
            {nav.length > 0 ? <Navigation links={nav} /> : ''}
            <Account user={user} csrf={csrf} loginUrl={loginUrl} logoutUrl={logoutUrl} />
          </header>
          {flash.length > 0 ? <FlashList messages={flash} /> : ''}
          <main id="main" class="fl-main">
            <h1>{title}</h1>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}
