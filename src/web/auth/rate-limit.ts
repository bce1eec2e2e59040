/**
 * Limits failed logins per (username, client IP): after `maxFailures`
 * failures within `windowMs` the pair is refused until the oldest of them
 * leaves the window; a successful login clears the count.
 *
 * The counts live in this process's memory: each server process limits on
 * its own and a restart forgets them. Behind several processes the real
 * limit is maxFailures × processes — still a brake on guessing.
 */
export interface LoginRateLimitOptions {
  /** Failures allowed within the window. Default 5. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class LoginRateLimiter {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Failure times per key, oldest first, at most maxFailures of them. */
  private readonly failures = new Map<string, number[]>();
  private lastSweep: number;

  constructor(options: LoginRateLimitOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
  }

  check(username: string, clientIp: string): RateLimitDecision {
    const now = this.now();
    const recent = this.recent(keyOf(username, clientIp), now);
    if (recent.length < this.maxFailures) return { allowed: true };
    return { allowed: false, retryAfterMs: recent[0]! + this.windowMs - now };
  }

  recordFailure(username: string, clientIp: string): void {
    const now = this.now();
    const key = keyOf(username, clientIp);
    const times = [...this.recent(key, now), now].slice(-this.maxFailures);
    this.failures.set(key, times);
    this.sweep(now);
  }

  reset(username: string, clientIp: string): void {
    this.failures.delete(keyOf(username, clientIp));
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((time) => time > now - this.windowMs);
  }

  /** Forgets keys with no failure in the window, so guessing many usernames cannot grow memory without bound. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, times] of this.failures) {
      if (times[times.length - 1]! <= now - this.windowMs) this.failures.delete(key);
    }
  }
}

// Usernames are matched case-insensitively here so that "Alice" and "alice" share one budget.
function keyOf(username: string, clientIp: string): string {
  return `${username.toLowerCase()}\u0000${clientIp}`;
}
