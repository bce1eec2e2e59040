/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Why a request was refused, in words, with the way back. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Page } from '../page.tsx';
import { safeRedirectPath } from '../auth/redirect.ts';

const TITLES: Partial<Record<number, string>> = {
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible now',
  422: 'Invalid data',
  503: 'Busy, try again',
};

/** The page the user came from, when it is on this site. */
function backLink(c: Context): string | undefined {
  const referer = c.req.header('referer');
  if (!referer || !URL.canParse(referer)) return undefined;
  const url = new URL(referer);
  return url.origin === new URL(c.req.url).origin ? safeRedirectPath(url.pathname + url.search, '') || undefined : undefined;
}

export function errorPage(c: Context<any>, status: ContentfulStatusCode, message: string): Response | Promise<Response> {
  const back = backLink(c);
  return c.html(
    <Page c={c} title={TITLES[status] ?? 'Something went wrong'}>
      <div class="fl-panel">
        <p class="fl-error" role="alert">
          {message}
        </p>
        <p>{back ? <a href={back}>Go back</a> : <a href={c.var.flowlane.urls.home}>Go to the start page</a>}</p>
      </div>
    </Page>,
    status,
  );
}
