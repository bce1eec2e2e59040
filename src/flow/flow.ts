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
  /** Human title; defaults to the class name in words. */
  static title?: string;
  static description?: string;
  /** Stable identifier stored with every process; defaults to the class
   * name in kebab case without a trailing "Flow". Changing it orphans
   * stored processes, so set it explicitly once a flow is in production. */
  static label?: string;
  /** zod schema of the process data. */
  static data?: ZodType;
  /** How steps of one process are kept apart; defaults to a transaction only. */
  static lock?: LockStrategy | (() => LockStrategy);

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
