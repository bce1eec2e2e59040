/**
 * The base class of every flow. A flow is declared as a class whose
 * attributes are nodes and whose methods are the code its nodes call:
 *
 *   class HelloWorldFlow extends Flow<Data> {
 *     static data = DataSchema;
 *     start = flow.StartHandle().Next(self.end);
 *     end = flow.End();
 *   }
 */
import type { ZodType } from 'zod';
import type { LockStrategy } from '../lock/strategy.ts';

export abstract class Flow<D = Record<string, unknown>> {
  // Statics a flow may declare (see FlowClass): title, description, label,
  // data (zod schema of the process data), lock. They are not declared here
  // so that subclasses need no `override` keyword.

  /** Phantom field that carries the data type to `DataOf`. */
  declare readonly __data?: D;
}

export type FlowClass<F extends Flow<any> = Flow<any>> = (new () => F) & {
  title?: string;
  description?: string;
  label?: string;
  data?: ZodType;
  lock?: LockStrategy | (() => LockStrategy);
  name: string;
};

export type DataOf<F> = F extends FlowClass<infer I> ? (I extends Flow<infer D> ? D : never) : F extends Flow<infer D> ? D : never;

export function defaultLabel(className: string): string {
  const base = className.replace(/Flow$/, '') || className;
  return base
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}
