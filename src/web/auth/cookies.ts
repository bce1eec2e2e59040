/** Attributes shared by every cookie Flowlane sets. */
import type { Context } from 'hono';
import type { CookieOptions } from 'hono/utils/cookie';

/**
 * True for https requests, including those a TLS-terminating proxy marks
 * with `X-Forwarded-Proto: https`. Trusting that header is safe here: the
 * worst a lying client can do is make its own cookies https-only.
 */
export function isSecureRequest(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/** HttpOnly, SameSite=Lax, whole site, Secure over https; `maxAgeSeconds` omitted: ends with the browser session. */
export function cookieOptions(c: Context, maxAgeSeconds?: number): CookieOptions {
  const options: CookieOptions = { httpOnly: true, sameSite: 'Lax', path: '/', secure: isSecureRequest(c) };
  if (maxAgeSeconds !== undefined) options.maxAge = maxAgeSeconds;
  return options;
}
