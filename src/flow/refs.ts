/**
 * Forward references. `self.approve` names a node or method of the flow
 * being declared, resolved when the flow is registered (Viewflow's `this`).
 * `act.process.data.approved` builds `(activation) => value` from a path.
 */

export class Ref {
  constructor(readonly name: string) {}
  toString(): string {
    return `self.${this.name}`;
  }
}

/** Typed loosely on purpose: any attribute name is a reference, checked at
 * registration, and an index signature would read as `Ref | undefined`
 * under `noUncheckedIndexedAccess`. */
export const self: { readonly [name: string]: Ref } & any = new Proxy({} as Record<string, Ref>, {
  get(_target, key) {
    if (typeof key !== 'string') return undefined;
    return new Ref(key);
  },
});

/** A value computed from an activation. */
export type Getter<T = unknown> = (activation: any) => T;

export interface PathGetter extends Getter {
  readonly [key: string]: PathGetter;
}

const PATH = Symbol('path');

function pathGetter(path: string[]): PathGetter {
  const read = (activation: unknown) =>
    path.reduce<unknown>((value, key) => (value == null ? undefined : (value as Record<string, unknown>)[key]), activation);
  return new Proxy(read, {
    get(target, key) {
      if (key === PATH) return path;
      if (typeof key !== 'string') return (target as any)[key];
      return pathGetter([...path, key]);
    },
  }) as unknown as PathGetter;
}

/** `act.process.data.approved` → `(activation) => activation.process.data.approved`. */
export const act: PathGetter & any = pathGetter([]);

/** The path an `act` getter reads, for messages and charts. */
export function describeGetter(getter: unknown): string | undefined {
  const path = (getter as any)?.[PATH] as string[] | undefined;
  return path ? `act.${path.join('.')}` : undefined;
}
