/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * Why a request was refused, in words, with ways on: the page in the
 * layout (with the navigation when the request reached a viewset, the
 * bare shell otherwise), the reason, an optional technical line, and links
 * that lead somewhere that works, never back to the refused address.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Page } from '../page.tsx';
import { Layout } from '../layout.tsx';
import { safeRedirectPath } from '../auth/redirect.ts';
import type { AuthEnv } from '../auth/env.ts';
import type { WebEnv } from '../env.ts';

const TITLES: Partial<Record<number, string>> = {
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'Not possible now',
  422: 'Invalid data',
  500: 'Something went wrong',
  503: 'Busy, try again',
};

export const errorTitle = (status: number): string => TITLES[status] ?? 'Something went wrong';

export interface PageLink {
  href: string;
  label: string;
}

export interface ErrorPageOptions {
  /** The technical reason, shown small under the message. */
  detail?: string;
  /** Where to go on; default: back (when the referring page is another page of this site) and the start page. */
  links?: PageLink[];
  /** More content between the message and the links (buttons, say). */
  children?: Child;
  /** The heading; default by status ("Not allowed", "Page not found", …). */
  title?: string;
}

/** The page the user came from, when it is on this site and is not the address refused now. */
function backLink(c: Context): string | undefined {
  const referer = c.req.header('referer');
  if (!referer || !URL.canParse(referer)) return undefined;
  const url = new URL(referer);
  const here = new URL(c.req.url);
  if (url.origin !== here.origin || url.pathname.replace(/\/+$/, '') === here.pathname.replace(/\/+$/, '')) return undefined;
  return safeRedirectPath(url.pathname + url.search, '') || undefined;
}

function defaultLinks(c: Context): PageLink[] {
  const web = (c as Context<WebEnv>).var.flowlane;
  const back = backLink(c);
  const home = web?.urls.home ?? '/';
  return [...(back && back !== home ? [{ href: back, label: 'Go back' }] : []), { href: home, label: 'Go to the start page' }];
}

function Body({ message, options, links }: { message: string; options: ErrorPageOptions; links: PageLink[] }) {
  return (
    <div class="fl-panel fl-refusal">
      <p class="fl-refusal-message" role="alert">
        {message}
      </p>
      {options.children}
      {options.detail ? <p class="fl-hint fl-detail">Technical reason: {options.detail}</p> : ''}
      <ul class="fl-links">
        {links.map((link) => (
          <li>
            <a href={link.href}>{link.label}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The bare shell (no navigation): for requests outside a viewset, and when the full page cannot be built. */
export function shellErrorPage(c: Context, status: ContentfulStatusCode, message: string, options: ErrorPageOptions = {}): Response | Promise<Response> {
  const vars = (c as Context<AuthEnv>).var;
  const csrf = vars.csrfToken ?? vars.session?.csrfToken ?? '';
  return c.html(
    <Layout title={options.title ?? errorTitle(status)} user={vars.user ?? null} csrf={csrf}>
      <Body message={message} options={options} links={options.links ?? defaultLinks(c)} />
    </Layout>,
    status,
  );
}

export async function errorPage(c: Context<any>, status: ContentfulStatusCode, message: string, options: ErrorPageOptions = {}): Promise<Response> {
  const web = c as Context<WebEnv>;
  if (!web.var.flowlane || !web.var.user) return shellErrorPage(c, status, message, options);
  const links = options.links ?? defaultLinks(c);
  try {
    return await c.html(
      <Page c={c} title={options.title ?? errorTitle(status)}>
        <Body message={message} options={options} links={links} />
      </Page>,
      status,
    );
  } catch {
    // The navigation reads the database; when that is what failed, the bare shell still explains.
    return shellErrorPage(c, status, message, options);
  }
}

/** For unknown addresses: the 404 page. */
export function notFoundPage(c: Context): Promise<Response> {
  return errorPage(c, 404, 'There is no page at this address. The link may be mistyped, or what it pointed to no longer exists.');
}

/** For bugs: the 500 page (the error itself goes to the log, not to the page). */
export function serverErrorPage(c: Context): Promise<Response> {
  return errorPage(c, 500, 'Something went wrong on our side. Try again; if it keeps happening, tell your administrator.');
}
