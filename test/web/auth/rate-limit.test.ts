import { describe, expect, it } from 'vitest';
import { LoginRateLimiter } from '../../../src/web/auth/rate-limit.ts';

const MINUTE = 60_000;

function limiterAt(start = 1_000_000) {
  const clock = { now: start };
  const limiter = new LoginRateLimiter({ maxFailures: 3, windowMs: 15 * MINUTE, now: () => clock.now });
  return { limiter, clock };
}

describe('LoginRateLimiter', () => {
  it('blocks after maxFailures within the window, until the oldest failure leaves it', () => {
    const { limiter, clock } = limiterAt();
    limiter.recordFailure('alice', '10.0.0.1');
    clock.now += 5 * MINUTE;
    limiter.recordFailure('alice', '10.0.0.1');
    expect(limiter.check('alice', '10.0.0.1')).toEqual({ allowed: true });
    limiter.recordFailure('alice', '10.0.0.1');
    expect(limiter.check('alice', '10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 10 * MINUTE });

    clock.now += 10 * MINUTE - 1;
    expect(limiter.check('alice', '10.0.0.1').allowed).toBe(false);
    clock.now += 1;
    expect(limiter.check('alice', '10.0.0.1')).toEqual({ allowed: true });
  });

  it('counts each username and address pair on its own, ignoring username case', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 3; i++) limiter.recordFailure('Alice', '10.0.0.1');
    expect(limiter.check('alice', '10.0.0.1').allowed).toBe(false);
    expect(limiter.check('alice', '10.0.0.2').allowed).toBe(true);
    expect(limiter.check('bob', '10.0.0.1').allowed).toBe(true);
  });

  it('a success (reset) clears the count', () => {
    const { limiter } = limiterAt();
    limiter.recordFailure('alice', 'ip');
    limiter.recordFailure('alice', 'ip');
    limiter.reset('alice', 'ip');
    limiter.recordFailure('alice', 'ip');
    limiter.recordFailure('alice', 'ip');
    expect(limiter.check('alice', 'ip').allowed).toBe(true);
  });
});
