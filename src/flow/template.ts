/**
 * Annotation templates: `{{ process.data.text }}` placeholders filled by
 * plain property lookups. Nothing in a template or in stored data is ever
 * evaluated as code, and lookups never leave own properties.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$0-9][\w$]*)*)\s*\}\}/g;

function lookup(context: unknown, path: string): unknown {
  let value: unknown = context;
  for (const key of path.split('.')) {
    if (value == null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function display(value: unknown): string {
  if (value == null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Renders a template to plain text; the web layer escapes it like any text. */
export function renderTemplate(template: string, context: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => display(lookup(context, path)));
}
