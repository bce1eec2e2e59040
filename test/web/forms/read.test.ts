import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeFields } from '../../../src/web/forms/fields.ts';
import { rawFromData, readForm } from '../../../src/web/forms/read.ts';

const Schema = z
  .object({
    text: z.string().min(2).max(10),
    weight: z.number().positive().optional(),
    approved: z.boolean().default(false),
    items: z.array(z.string()).optional(),
    comment: z.string().max(5).optional(),
    other: z.string(),
  })
  .refine((d) => d.text !== 'forbidden', { message: 'That text is forbidden' });

const fields = describeFields(Schema, ['text', 'weight', 'approved', 'items', 'comment'], ['weight', 'items', 'comment']);
const base = { other: 'kept' };

describe('readForm', () => {
  it('turns strings into the fields’ types and returns them as the schema parsed them', () => {
    const result = readForm(Schema, fields, { text: ' hello ', weight: '2.5', approved: 'on', items: 'a\r\n\r\n b \n', comment: '' }, base);
    expect(result).toEqual({ ok: true, values: { text: 'hello', weight: 2.5, approved: true, items: ['a', 'b'], comment: undefined } });
  });

  it('an unchecked checkbox is false', () => {
    const result = readForm(Schema, fields, { text: 'hello' }, base);
    expect(result.ok && result.values.approved).toBe(false);
  });

  it('reports required, conversion and schema errors by field, keeping what was typed', () => {
    const result = readForm(Schema, fields, { text: '', weight: 'lots', comment: 'far too long' }, base);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.state.errors.text).toEqual(['This field is required.']);
    expect(result.state.errors.weight).toEqual(['Enter a number.']);
    expect(result.state.errors.comment?.[0]).toMatch(/5/);
    expect(result.state.raw).toMatchObject({ text: '', weight: 'lots', comment: 'far too long' });
  });

  it('puts errors of fields not on the form, and of the whole record, above the form', () => {
    const missing = readForm(Schema, fields, { text: 'hello' }, {});
    expect(!missing.ok && missing.state.formErrors[0]).toMatch(/^other: /);
    const refined = readForm(Schema, fields, { text: 'forbidden' }, base);
    expect(!refined.ok && refined.state.formErrors).toEqual(['That text is forbidden']);
  });
});

describe('rawFromData', () => {
  it('shows stored values as the inputs do', () => {
    expect(rawFromData(fields, { text: 'hi', weight: 3, approved: true, items: ['a', 'b'] })).toEqual({
      text: 'hi',
      weight: '3',
      approved: 'on',
      items: 'a\nb',
      comment: '',
    });
  });
});
