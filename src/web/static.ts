/**
 * Flowlane's stylesheet, kept as a string so the package needs no asset
 * files or build step. Pages link STYLESHEET_URL, whose `?v=` changes with
 * the content, so browsers may cache it for a year.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';

export const STYLESHEET_PATH = '/static/flowlane.css';

export const FLOWLANE_CSS = `
:root {
  color-scheme: light dark;
  --fl-bg: #f6f7f9;
  --fl-surface: #ffffff;
  --fl-text: #1c2430;
  --fl-muted: #5b6776;
  --fl-border: #d6dbe2;
  --fl-accent: #2557c9;
  --fl-accent-text: #ffffff;
  --fl-success: #1f7a3f;
  --fl-success-bg: #e7f5ec;
  --fl-error: #b3261e;
  --fl-error-bg: #fbeaea;
  --fl-info: #2557c9;
  --fl-info-bg: #e8effc;
  --fl-radius: 6px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fl-bg: #14181f;
    --fl-surface: #1c222b;
    --fl-text: #e6e9ee;
    --fl-muted: #9aa5b4;
    --fl-border: #323b47;
    --fl-accent: #7aa2f7;
    --fl-accent-text: #0d1117;
    --fl-success: #7fd19b;
    --fl-success-bg: #17301f;
    --fl-error: #f2a39e;
    --fl-error-bg: #3a1c1a;
    --fl-info: #9dbbf7;
    --fl-info-bg: #1b2840;
  }
}
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; background: var(--fl-bg); color: var(--fl-text); }
a { color: var(--fl-accent); }
:focus-visible { outline: 3px solid var(--fl-accent); outline-offset: 2px; }

.fl-skip-link { position: absolute; left: -9999px; top: 0; padding: .5rem 1rem; background: var(--fl-surface); }
.fl-skip-link:focus { left: 1rem; z-index: 1; }
.fl-visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}

.fl-header {
  display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem;
  padding: .75rem 1.5rem; background: var(--fl-surface); border-bottom: 1px solid var(--fl-border);
}
.fl-brand { font-weight: 700; font-size: 1.125rem; color: var(--fl-text); text-decoration: none; }
.fl-nav ul { display: flex; flex-wrap: wrap; gap: .25rem; margin: 0; padding: 0; list-style: none; }
.fl-nav a { display: block; padding: .375rem .75rem; border-radius: var(--fl-radius); color: var(--fl-text); text-decoration: none; }
.fl-nav a:hover { background: var(--fl-bg); }
.fl-nav a[aria-current="page"] { background: var(--fl-info-bg); color: var(--fl-info); font-weight: 600; }
.fl-count { color: var(--fl-muted); font-variant-numeric: tabular-nums; }
.fl-account { display: flex; align-items: center; gap: .75rem; margin-left: auto; color: var(--fl-muted); }
.fl-account form { margin: 0; }

.fl-main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
.fl-main > h1 { margin: 0 0 1rem; font-size: 1.5rem; }
/* Long words (a 250-character message without a space) wrap instead of widening the page.
   In tables, words of the table's own (titles, names) keep whole and the table scrolls in
   its box when narrow; free text in cells (.fl-freetext) breaks anywhere. */
.fl-main h1, .fl-main h2, .fl-main p, .fl-main li, .fl-main dd, .fl-message { overflow-wrap: anywhere; }
.fl-main td { overflow-wrap: break-word; }
.fl-main td .fl-freetext, .fl-main td.fl-freetext { overflow-wrap: anywhere; }

.fl-messages { max-width: 72rem; margin: 1rem auto 0; padding: 0 1.5rem; list-style: none; }
.fl-message { margin: 0 0 .5rem; padding: .625rem 1rem; border-radius: var(--fl-radius); border: 1px solid currentColor; }
.fl-message-success { color: var(--fl-success); background: var(--fl-success-bg); }
.fl-message-error { color: var(--fl-error); background: var(--fl-error-bg); }
.fl-message-info { color: var(--fl-info); background: var(--fl-info-bg); }

.fl-panel {
  background: var(--fl-surface); border: 1px solid var(--fl-border); border-radius: var(--fl-radius);
  padding: 1.25rem 1.5rem;
}
.fl-form { display: grid; gap: 1rem; max-width: 28rem; }
.fl-field { display: grid; gap: .25rem; }
.fl-field label { font-weight: 600; }
.fl-hint { color: var(--fl-muted); font-size: .875rem; }
.fl-error { color: var(--fl-error); }
input, select, textarea {
  max-width: 100%;
  font: inherit; color: inherit; background: var(--fl-surface);
  padding: .5rem .625rem; border: 1px solid var(--fl-border); border-radius: var(--fl-radius);
}
input[aria-invalid="true"], select[aria-invalid="true"], textarea[aria-invalid="true"] { border-color: var(--fl-error); }
button, .fl-button {
  display: inline-block; font: inherit; font-weight: 600; cursor: pointer; text-decoration: none;
  padding: .5rem 1rem; border-radius: var(--fl-radius);
  border: 1px solid var(--fl-accent); background: var(--fl-accent); color: var(--fl-accent-text);
}
.fl-button-secondary, .fl-account button { background: transparent; color: var(--fl-accent); }

table { width: 100%; border-collapse: collapse; background: var(--fl-surface); }
th, td { padding: .5rem .75rem; text-align: left; border-bottom: 1px solid var(--fl-border); }
th { font-size: .875rem; color: var(--fl-muted); font-weight: 600; }
/* A table wider than the screen scrolls inside its box; the page keeps its width. */
.fl-table-wrap { max-width: 100%; overflow-x: auto; margin: 0 0 1rem; }
.fl-table-wrap > table { margin: 0; }

@media (max-width: 40rem) {
  .fl-header { padding: .5rem 1rem; }
  .fl-main { padding: 1rem; }
  .fl-messages { padding: 0 1rem; }
  .fl-panel { padding: 1rem; }
  th, td { padding: .375rem .5rem; }
}
`;

const version = createHash('sha256').update(FLOWLANE_CSS).digest('hex').slice(0, 12);

/** The URL pages should link: changes whenever the stylesheet does. */
export const STYLESHEET_URL = `${STYLESHEET_PATH}?v=${version}`;

/** Serves the stylesheet at STYLESHEET_PATH; mount at the site root. */
export function staticRoutes(): Hono {
  const etag = `"${version}"`;
  return new Hono().get(STYLESHEET_PATH, (c) => {
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('ETag', etag);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.body(FLOWLANE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
}
