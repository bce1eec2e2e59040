/**
 * Submitted form → typed values → the schema's verdict. Form values are
 * strings; each widget turns its string into the field's type, then the
 * whole record is checked by the zod schema, so a form never accepts what
 * the engine would refuse when it writes the data.
 */
import type { ZodType } from 'zod';
import { fieldLabel, type FieldSpec } from './fields.ts';
import { plainIssueMessage } from './messages.ts';

/** What the user typed, per field, to show again beside the errors. */
export type RawValues = Record<string, string>;

export interface FormState {
  raw: RawValues;
  /** Messages per field name. */
  errors: Record<string, string[]>;
  /** Messages that belong to no field of the form. */
  formErrors: string[];
}

export type FormResult = { ok: true; values: Record<string, unknown> } | { ok: false; state: FormState };

type Body = Record<string, string | File | (string | File)[]>;

const text = (value: Body[string] | undefined): string => {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
};

/** Raw strings of the fields (a checkbox sends "on" when checked). */
export function rawFrom(fields: readonly FieldSpec[], body: Body): RawValues {
  return Object.fromEntries(fields.map((f) => [f.name, text(body[f.name])]));
}

/** Stored values as the strings the inputs show. */
export function rawFromData(fields: readonly FieldSpec[], data: Record<string, unknown>): RawValues {
  return Object.fromEntries(
    fields.map((f) => {
      const value = data[f.name];
      if (f.widget === 'checkbox') return [f.name, value === true ? 'on' : ''];
      if (Array.isArray(value)) return [f.name, value.join('\n')];
      return [f.name, value == null ? '' : String(value)];
    }),
  );
}

/** One field's string as its type; undefined when left empty. */
function convert(field: FieldSpec, raw: string): { value?: unknown; error?: string } {
  if (field.widget === 'checkbox') return { value: raw !== '' };
  if (field.widget === 'lines') {
    const lines = raw.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    return lines.length ? { value: lines } : {};
  }
  const trimmed = raw.trim();
  if (trimmed === '') return {};
  if (field.widget === 'number') {
    const number = Number(trimmed);
    return Number.isFinite(number) ? { value: number } : { error: 'Enter a number.' };
  }
  return { value: field.widget === 'textarea' ? raw.replace(/\r\n/g, '\n') : trimmed };
}

/**
 * Reads the fields from a submitted body and validates `{ ...base, ...values }`
 * with `schema`. On success, returns the listed fields as the schema parsed
 * them (defaults applied); else every message, by field where it has one.
 */
export function readForm(schema: ZodType, fields: readonly FieldSpec[], body: Body, base: Record<string, unknown> = {}): FormResult {
  const raw = rawFrom(fields, body);
  const errors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const { value, error } = convert(field, raw[field.name]!);
    if (error) errors[field.name] = [error];
    else if (value === undefined && field.required) errors[field.name] = ['This field is required.'];
    else values[field.name] = value;
  }
  const merged = { ...base, ...values };
  for (const [name, value] of Object.entries(values)) if (value === undefined) delete merged[name];
  // Plain words for zod's issues, unless the schema's author wrote a message.
  const result = schema.safeParse(merged, { error: plainIssueMessage });
  if (!result.success) {
    const names = new Set(fields.map((f) => f.name));
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? '');
      if (errors[name]) continue; // the field's own conversion message says it better
      if (names.has(name)) (errors[name] ??= []).push(issue.message);
      else formErrors.push(issue.path.length ? `${[fieldLabel(schema, name), ...issue.path.slice(1)].join(' › ')}: ${issue.message}` : issue.message);
    }
  }
  if (Object.keys(errors).length || formErrors.length || !result.success) return { ok: false, state: { raw, errors, formErrors } };
  const parsed = result.data as Record<string, unknown>;
  return { ok: true, values: Object.fromEntries(fields.map((f) => [f.name, parsed[f.name]])) };
}
