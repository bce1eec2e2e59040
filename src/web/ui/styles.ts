/**
 * Styles of the workflow pages, on top of the page shell's stylesheet
 * (static.ts) and its colour variables. Served like it: by content hash,
 * cached for a year.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';

const WORKFLOW_CSS = `
.fl-main section { margin: 0 0 1.5rem; }
.fl-main h2 { font-size: 1.125rem; margin: 0 0 .5rem; }
.fl-panel { margin: 0 0 1rem; }
.fl-lead { color: var(--fl-muted); margin-top: 0; }
.fl-summary { font-size: 1.0625rem; overflow-wrap: anywhere; }
.fl-empty { color: var(--fl-muted); font-style: italic; }
.fl-data { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
.fl-data dt { color: var(--fl-muted); }
.fl-data dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.fl-actions { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; }
.fl-inline { display: inline-flex; align-items: center; gap: .25rem; margin: 0; }
.fl-buttons { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.fl-button-danger { background: transparent; color: var(--fl-error); border-color: var(--fl-error); }
.fl-button-danger-solid { background: var(--fl-error); color: var(--fl-surface); }
.fl-refusal-message { font-weight: 600; margin-top: 0; }
.fl-refusal .fl-actions { margin: 0 0 1rem; }
.fl-detail { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .8125rem; }
.fl-links { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; padding: 0; margin: 0; list-style: none; }
.fl-reason { margin: 0; }
.fl-confirm p:first-child { margin-top: 0; }
/* In lists a task's summary is two lines at most; the task page shows all of it. */
.fl-tasks .fl-note { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; min-width: 12rem; }
td .fl-status, td .fl-actions, td .fl-inline, td time, .fl-nowrap { white-space: nowrap; }
@media (max-width: 40rem) { td time { white-space: normal; } }
td .fl-actions button, td .fl-actions .fl-button, td .fl-inline button, td .fl-button { padding: .25rem .625rem; font-size: .875rem; }
.fl-field-checkbox label { display: flex; gap: .5rem; align-items: center; font-weight: 600; }
.fl-status { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: .8125rem; font-weight: 600; background: var(--fl-bg); border: 1px solid var(--fl-border); }
.fl-status-done { color: var(--fl-success); background: var(--fl-success-bg); }
.fl-status-canceled, .fl-status-error, .fl-status-revived { color: var(--fl-error); background: var(--fl-error-bg); }
.fl-status-new, .fl-status-assigned, .fl-status-started { color: var(--fl-info); background: var(--fl-info-bg); }
.fl-counts { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
.fl-counts a { display: block; padding: .75rem 1.25rem; border: 1px solid var(--fl-border); border-radius: var(--fl-radius); background: var(--fl-surface); text-decoration: none; color: var(--fl-text); }
.fl-counts strong { display: block; font-size: 1.5rem; }
.fl-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: 1rem; padding: 0; list-style: none; }
.fl-filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin: 0 0 1rem; }
.fl-pager { display: flex; justify-content: space-between; align-items: center; margin: 1rem 0; }
table { margin: 0 0 1rem; }
`;

const version = createHash('sha256').update(WORKFLOW_CSS).digest('hex').slice(0, 12);

export const WORKFLOW_STYLESHEET_PATH = '/static/flowlane-workflow.css';
export const WORKFLOW_STYLESHEET_URL = `${WORKFLOW_STYLESHEET_PATH}?v=${version}`;

/** Serves the workflow stylesheet at WORKFLOW_STYLESHEET_PATH; mount at the site root. */
export function workflowStaticRoutes(): Hono {
  const etag = `"${version}"`;
  return new Hono().get(WORKFLOW_STYLESHEET_PATH, (c) => {
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('ETag', etag);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.body(WORKFLOW_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
}
