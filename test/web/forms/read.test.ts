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
    expect(!missing.ok && missing.state.formErrors).toEqual(['Other: This field is required.']);
    const refined = readForm(Schema, fields, { text: 'forbidden' }, base);
    expect(!refined.ok && refined.state.formErrors).toEqual(['That text is forbidden']);
  });
});

describe('messages', () => {
  const Shipment = z.object({
    packages: z.int().min(1).max(100),
    price: z.number().positive(),
    weight: z.number().max(1000),
    text: z.string().max(250),
    name: z.string().min(3),
    custom: z.string().min(3, 'Names have three letters or more').optional(),
    pickup: z.iso.date(),
    email: z.email(),
    carrier: z.enum(['post', 'dhl']),
  });
  const all = describeFields(Shipment, Object.keys(Shipment.shape), ['custom']);
  const errorsOf = (body: Record<string, string>) => {
    const result = readForm(Shipment, all, body);
    return result.ok ? {} : result.state.errors;
  };
  const valid = { packages: '2', price: '1', weight: '1', text: 'x', name: 'Ann', pickup: '2030-01-02', email: 'a@example.com', carrier: 'post' };

  it('are plain words, not zod’s', () => {
    const errors = errorsOf({ packages: '2.5', price: '0', weight: '1001', text: 'x'.repeat(251), name: 'Al', pickup: '2030-13-45', email: 'nope', carrier: 'ufo' });
    expect(errors).toEqual({
      packages: ['Enter a whole number.'],
      price: ['Must be more than 0.'],
      weight: ['Must be at most 1000.'],
      text: ['At most 250 characters.'],
      name: ['At least 3 characters.'],
      pickup: ['Enter a date.'],
      email: ['Enter an email address.'],
      carrier: ['Choose one of: post, dhl.'],
    });
    expect(errorsOf({ ...valid, packages: '0' }).packages).toEqual(['Must be at least 1.']);
    expect(errorsOf({ ...valid, packages: '101' }).packages).toEqual(['Must be at most 100.']);
  });

  it('keep the messages the schema’s author wrote', () => {
    expect(errorsOf({ ...valid, custom: 'Al' }).custom).toEqual(['Names have three letters or more']);
  });

  it('a valid form has none', () => {
    expect(readForm(Shipment, all, valid).ok).toBe(true);
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
