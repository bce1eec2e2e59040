/**
 * What a form shows for each field, read from the flow's zod schema: the
 * widget follows the field's type (text, long text, email, number,
 * checkbox, choice, date, list of lines), the label and hint come from
 * `.meta({ title, description })` or the field's name.
 *
 *   text: z.string().max(250)                 → <input>
 *   notes: z.string().max(2000)               → <textarea> (over 250 characters)
 *   weight: z.number().min(0)                 → <input type="number">
 *   approved: z.boolean()                     → checkbox
 *   carrier: z.enum(['post', 'dhl'])          → <select>
 *   pickup: z.iso.date()                      → <input type="date">
 *   items: z.array(z.string())                → <textarea>, one item per line
 */
import type { ZodType } from 'zod';
import { humanize } from '../../flow/nodes.ts';

export type Widget = 'text' | 'email' | 'textarea' | 'number' | 'checkbox' | 'select' | 'date' | 'lines';

export interface FieldSpec {
  name: string;
  label: string;
  hint?: string;
  widget: Widget;
  /** Whether the form refuses an empty value (never for checkboxes). */
  required: boolean;
  /** select: the allowed values. */
  choices?: string[];
  /** number: whole numbers only. */
  integer?: boolean;
  /** number: the schema's bounds (an exclusive bound shows as the nearest allowed value for whole numbers, as itself otherwise). */
  min?: number;
  max?: number;
  /** number: the schema's multipleOf, else 1 for whole numbers and "any". */
  step?: number | 'any';
  /** text: the schema's length bounds. */
  minLength?: number;
  maxLength?: number;
}

/** Strings longer than this get a textarea. */
const LONG_TEXT = 250;

interface Meta {
  title?: string;
  description?: string;
  /** Force a widget, e.g. `{ widget: 'textarea' }`. */
  widget?: Widget;
}

type Def = {
  type: string;
  innerType?: ZodType;
  element?: ZodType;
  format?: string | null;
  entries?: Record<string, string>;
  checks?: Array<{ _zod: { def: { check: string; value?: number; inclusive?: boolean } } }>;
};

const INTEGER_FORMATS = new Set(['safeint', 'int32', 'uint32']);

/** Bounds and step of a number schema for <input type="number">; the range of "safe integers" is no bound worth showing. */
function numberBounds(def: Def, integer: boolean): Pick<FieldSpec, 'min' | 'max' | 'step'> {
  const bounds: Pick<FieldSpec, 'min' | 'max' | 'step'> = { step: integer ? 1 : 'any' };
  for (const check of def.checks ?? []) {
    const { check: kind, value, inclusive } = check._zod.def;
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) >= Number.MAX_SAFE_INTEGER) continue;
    if (kind === 'greater_than') {
      const min = integer && inclusive === false ? Math.floor(value) + 1 : integer ? Math.ceil(value) : value;
      bounds.min = bounds.min === undefined ? min : Math.max(bounds.min, min);
    } else if (kind === 'less_than') {
      const max = integer && inclusive === false ? Math.ceil(value) - 1 : integer ? Math.floor(value) : value;
      bounds.max = bounds.max === undefined ? max : Math.min(bounds.max, max);
    } else if (kind === 'multiple_of' && value > 0) {
      bounds.step = value;
    }
  }
  return bounds;
}

const defOf = (schema: ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const metaOf = (schema: ZodType): Meta => ((schema as { meta?: () => Meta | undefined }).meta?.() ?? {}) as Meta;

/** The field's own type under optional/default/nullable wrappers, with the metadata of every layer. */
function unwrap(schema: ZodType): { inner: ZodType; meta: Meta } {
  let inner = schema;
  let meta: Meta = metaOf(schema);
  for (;;) {
    const def = defOf(inner);
    if (!['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(def.type) || !def.innerType) break;
    inner = def.innerType;
    meta = { ...metaOf(inner), ...meta };
  }
  return { inner, meta };
}

function widgetOf(name: string, inner: ZodType): Pick<FieldSpec, 'widget' | 'choices' | 'integer' | 'min' | 'max' | 'step' | 'minLength' | 'maxLength'> {
  const def = defOf(inner);
  switch (def.type) {
    case 'string': {
      const maxLength = (inner as { maxLength?: number | null }).maxLength ?? undefined;
      const min = (inner as { minLength?: number | null }).minLength ?? undefined;
      // A minimum of one is "required", which the form says on its own.
      const minLength = min !== undefined && min > 1 ? min : undefined;
      if (def.format === 'date') return { widget: 'date' };
      if (def.format === 'email') return { widget: 'email', minLength, maxLength };
      return { widget: maxLength !== undefined && maxLength > LONG_TEXT ? 'textarea' : 'text', minLength, maxLength };
    }
    case 'number': {
      const integer = INTEGER_FORMATS.has(def.format ?? '');
      return { widget: 'number', integer, ...numberBounds(def, integer) };
    }
    case 'boolean':
      return { widget: 'checkbox' };
    case 'enum':
      return { widget: 'select', choices: Object.values(def.entries ?? {}) };
    case 'array':
      if (def.element && defOf(unwrap(def.element).inner).type === 'string') return { widget: 'lines' };
      break;
  }
  throw new Error(`form field "${name}": a field of type ${def.type} has no form widget; write a custom view for it`);
}

/** The label of a field of an object schema: its `.meta({ title })`, else its name in words. */
export function fieldLabel(schema: ZodType | undefined, name: string): string {
  const field = (schema as { shape?: Record<string, ZodType> } | undefined)?.shape?.[name];
  return (field && unwrap(field).meta.title) ?? humanize(name);
}

/** Describes the listed fields of an object schema; a field named in `optional` may be left empty. */
export function describeFields(schema: ZodType, names: readonly string[], optional: readonly string[] = []): FieldSpec[] {
  const shape = (schema as { shape?: Record<string, ZodType> }).shape;
  if (!shape) throw new Error('forms need a z.object(...) schema');
  return names.map((name) => {
    const field = shape[name];
    if (!field) throw new Error(`form field "${name}" is not in the schema (it has: ${Object.keys(shape).join(', ')})`);
    const { inner, meta } = unwrap(field);
    const widget = meta.widget ? { ...widgetOf(name, inner), widget: meta.widget } : widgetOf(name, inner);
    return {
      name,
      label: meta.title ?? humanize(name),
      ...(meta.description ? { hint: meta.description } : {}),
      ...widget,
      required: widget.widget !== 'checkbox' && !optional.includes(name),
    };
  });
}
