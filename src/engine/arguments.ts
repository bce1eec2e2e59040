/**
 * Checks on what callers pass to the engine's public methods, so a wrong
 * type gets an error naming the argument instead of a driver's TypeError
 * or a silently wrong row.
 */
import { InvalidArgumentError } from '../errors.ts';
import type { FlowUser } from './user.ts';

const show = (value: unknown) => (typeof value === 'string' ? `"${value}" (a string)` : String(value));

export function requireId(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
}

export function requireUser(user: FlowUser | undefined, what = 'user'): void {
  if (user === undefined) return;
  const setLike = (v: unknown) => typeof (v as { has?: unknown })?.has === 'function';
  if (typeof user !== 'object' || user === null) throw new InvalidArgumentError(`${what} must be a FlowUser object, got ${show(user)}`);
  requireId(user.id, `${what}.id`);
  if (!setLike(user.permissions) || !setLike(user.groups)) {
    throw new InvalidArgumentError(`${what}.permissions and ${what}.groups must be Sets (of codenames and group names)`);
  }
}
