/**
 * Zod's issues in words a person filling in a form understands: "Enter a
 * whole number." rather than "Invalid input: expected int, received
 * number". Passed to `safeParse` as the parse's error map, so a message the
 * schema's author wrote (`z.string().min(3, 'Too short for a name')`)
 * still wins.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

const plural = (n: number | bigint, word: string) => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

const FORMATS: Record<string, string> = {
  email: 'Enter an email address.',
  date: 'Enter a date.',
  datetime: 'Enter a date and time.',
  time: 'Enter a time.',
  duration: 'Enter a duration.',
  url: 'Enter a web address, starting with https://.',
  uuid: 'Enter a UUID.',
  guid: 'Enter a UUID.',
  ipv4: 'Enter an IPv4 address.',
  ipv6: 'Enter an IPv6 address.',
};

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>): string {
  const { origin, minimum, inclusive } = issue;
  switch (origin) {
    case 'string':
      return Number(minimum) <= 1 ? 'This field is required.' : `At least ${plural(minimum, 'character')}.`;
    case 'array':
    case 'set':
      return `Enter at least ${plural(minimum, 'item')}.`;
    case 'date':
      return `Must be on or after ${new Date(Number(minimum)).toISOString().slice(0, 10)}.`;
    default:
      return inclusive === false ? `Must be more than ${minimum}.` : `Must be at least ${minimum}.`;
  }
}

function tooBig(issue: Extract<Issue, { code: 'too_big' }>): string {
  const { origin, maximum, inclusive } = issue;
  switch (origin) {
    case 'string':
      return `At most ${plural(maximum, 'character')}.`;
    case 'array':
    case 'set':
      return `At most ${plural(maximum, 'item')}.`;
    case 'date':
      return `Must be on or before ${new Date(Number(maximum)).toISOString().slice(0, 10)}.`;
    default:
      return inclusive === false ? `Must be less than ${maximum}.` : `Must be at most ${maximum}.`;
  }
}

function invalidType(issue: Extract<Issue, { code: 'invalid_type' }>): string {
  if (issue.input === undefined || issue.input === null || issue.input === '') return 'This field is required.';
  switch (issue.expected) {
    case 'int':
      return 'Enter a whole number.';
    case 'number':
    case 'bigint':
      return 'Enter a number.';
    case 'string':
      return 'Enter some text.';
    case 'boolean':
      return 'Tick the box or leave it empty.';
    case 'array':
      return 'Enter one item per line.';
    case 'date':
      return 'Enter a date.';
    default:
      return 'Enter a valid value.';
  }
}

/** A plain message for a zod issue; undefined leaves zod's own. */
export function plainIssueMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue);
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_format': {
      const format = issue.format as string;
      if (format === 'starts_with') return `Must start with “${(issue as { prefix?: string }).prefix}”.`;
      if (format === 'ends_with') return `Must end with “${(issue as { suffix?: string }).suffix}”.`;
      if (format === 'includes') return `Must contain “${(issue as { includes?: string }).includes}”.`;
      return FORMATS[format] ?? 'Enter a value in the expected format.';
    }
    case 'not_multiple_of':
      return Number(issue.divisor) === 1 ? 'Enter a whole number.' : `Must be a multiple of ${issue.divisor}.`;
    case 'invalid_value':
      return issue.values.length ? `Choose one of: ${issue.values.map(String).join(', ')}.` : 'Enter a valid value.';
    case 'unrecognized_keys':
      return `Unexpected ${issue.keys.length === 1 ? 'field' : 'fields'}: ${issue.keys.join(', ')}.`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return 'Enter a valid value.';
    case 'custom':
      return issue.message && issue.message !== 'Invalid input' ? issue.message : 'Enter a valid value.';
    default:
      return undefined;
  }
}
