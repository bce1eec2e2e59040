import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeFields, fieldLabel } from '../../../src/web/forms/fields.ts';

const Schema = z.object({
  text: z.string().max(250),
  notes: z.string().max(2000).optional(),
  email: z.email(),
  weight: z.number().min(0).meta({ title: 'Weight (kg)', description: 'Gross' }),
  count: z.int().optional(),
  approved: z.boolean().default(false),
  carrier: z.enum(['post', 'dhl']).optional(),
  pickup: z.iso.date().optional(),
  items: z.array(z.string()),
  forced: z.string().meta({ widget: 'textarea' }),
  nested: z.object({ a: z.string() }).optional(),
});

describe('describeFields', () => {
  it('picks a widget by type, through optional and default', () => {
    const fields = describeFields(Schema, ['text', 'notes', 'email', 'weight', 'count', 'approved', 'carrier', 'pickup', 'items', 'forced']);
    expect(fields.map((f) => [f.name, f.widget])).toEqual([
      ['text', 'text'],
      ['notes', 'textarea'],
      ['email', 'email'],
      ['weight', 'number'],
      ['count', 'number'],
      ['approved', 'checkbox'],
      ['carrier', 'select'],
      ['pickup', 'date'],
      ['items', 'lines'],
      ['forced', 'textarea'],
    ]);
    expect(fields.find((f) => f.name === 'count')!.integer).toBe(true);
    expect(fields.find((f) => f.name === 'weight')!.integer).toBe(false);
    expect(fields.find((f) => f.name === 'carrier')!.choices).toEqual(['post', 'dhl']);
    expect(fields.find((f) => f.name === 'text')!.maxLength).toBe(250);
  });

  it('gives number inputs the schema’s bounds and step, and text inputs its lengths', () => {
    const Numbers = z.object({
      packages: z.int().min(1).max(100),
      price: z.number().positive(),
      weight: z.number().nonnegative().lt(1000),
      count: z.int().gt(0).lt(10),
      half: z.number().multipleOf(0.5),
      any: z.int(),
      name: z.string().min(2).max(40),
      required: z.string().min(1),
    });
    const byName = Object.fromEntries(describeFields(Numbers, Object.keys(Numbers.shape)).map((f) => [f.name, f]));
    expect(byName.packages).toMatchObject({ integer: true, min: 1, max: 100, step: 1 });
    expect(byName.price).toMatchObject({ integer: false, min: 0, step: 'any' });
    expect(byName.price!.max).toBeUndefined();
    expect(byName.weight).toMatchObject({ min: 0, max: 1000, step: 'any' });
    expect(byName.count).toMatchObject({ min: 1, max: 9, step: 1 }); // exclusive bounds of whole numbers: the nearest allowed
    expect(byName.half).toMatchObject({ step: 0.5 });
    expect(byName.any).toMatchObject({ step: 1 });
    expect(byName.any!.min).toBeUndefined(); // not the safe-integer range
    expect(byName.name).toMatchObject({ minLength: 2, maxLength: 40 });
    expect(byName.required!.minLength).toBeUndefined();
  });

  it('takes labels and hints from meta, else humanizes the name', () => {
    const [weight, pickup] = describeFields(Schema, ['weight', 'pickup']);
    expect(weight).toMatchObject({ label: 'Weight (kg)', hint: 'Gross' });
    expect(pickup!.label).toBe('Pickup');
    expect(fieldLabel(Schema, 'weight')).toBe('Weight (kg)');
    expect(fieldLabel(undefined, 'zip_code')).toBe('Zip code');
  });

  it('requires listed fields unless named optional; never a checkbox', () => {
    const fields = describeFields(Schema, ['text', 'notes', 'approved'], ['notes']);
    expect(fields.map((f) => f.required)).toEqual([true, false, false]);
  });

  it('names the field when it is missing or has no widget', () => {
    expect(() => describeFields(Schema, ['nope'])).toThrow(/form field "nope" is not in the schema/);
    expect(() => describeFields(Schema, ['nested'])).toThrow(/form field "nested": a field of type object has no form widget/);
  });
});
