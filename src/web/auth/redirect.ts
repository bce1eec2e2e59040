/** Where to send a user after login: only ever a path on this site, never a URL an attacker chose. */

const PLACEHOLDER_ORIGIN = 'http://flowlane.invalid';

/**
 * `next` when it is a same-site relative path (`/inbox?page=2`), else
 * `fallback`. Refuses scheme-relative `//host`, backslashes (browsers read
 * `/\host` as `//host`) and control characters (browsers drop tabs and
 * newlines, turning `/\t/host` into `//host`).
 */
export function safeRedirectPath(next: string | undefined | null, fallback: string): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return fallback;
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  return url.pathname + url.search + url.hash;
}
