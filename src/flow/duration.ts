/**
 * Durations in the DSL: milliseconds, or a string such as `'30s'`, `'5m'`,
 * `'2h'`, `'1d'`. Parsed when the flow is declared, so a typo fails at
 * registration, not when the timer is reached.
 */
import { FlowDefinitionError } from '../errors.ts';
import type { Callable } from './nodes.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new FlowDefinitionError(`invalid duration ${value}: use a number of ms >= 0`);
    return value;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
  if (!match) throw new FlowDefinitionError(`invalid duration "${value}": use ms or a string like '500ms', '30s', '5m', '2h', '1d'`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** When a timer is due: after a duration, or at the Date a function of the activation returns. */
export type Delay = number | string | Callable<any, Date | Promise<Date>>;

/** A Delay with its duration parsed: ms, or the function. */
export type DueSpec = number | Callable<any, Date | Promise<Date>>;

export function dueSpec(delay: Delay): DueSpec {
  return typeof delay === 'number' || typeof delay === 'string' ? parseDuration(delay) : delay;
}
