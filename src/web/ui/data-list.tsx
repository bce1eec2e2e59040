/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Process or task data as a definition list, labelled from the schema where it can be. */
import type { ZodType } from 'zod';
import { fieldLabel } from '../forms/fields.ts';

function display(value: unknown): string {
  if (value === true) return 'Yes';
  if (value === false) return 'No';
  if (value == null) return '—';
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function DataList({ data, schema, omit = [] }: { data: Record<string, unknown>; schema?: ZodType; omit?: readonly string[] }) {
  const entries = Object.entries(data).filter(([key, value]) => !omit.includes(key) && value !== undefined);
  if (entries.length === 0) return <p class="fl-hint">No data yet.</p>;
  return (
    <dl class="fl-data">
      {entries.map(([key, value]) => (
        <>
          <dt>{fieldLabel(schema, key)}</dt>
          <dd>{display(value)}</dd>
        </>
      ))}
    </dl>
  );
}
