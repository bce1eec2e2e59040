/**
 * Server-side sessions in flowlane_session. The browser holds a random
 * 32-byte id; the table holds only its SHA-256, so a leaked database does
 * not hand out live sessions. Each session has its own CSRF token.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';

export const SESSION_COOKIE = 'flowlane_session';
export const DEFAULT_SESSION_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;
/** A sliding session is extended at most this often, so reads do not turn into a write per request. */
const SLIDING_RENEW_INTERVAL_MS = 60 * 1000;
const MAX_COOKIE_AGE_MS = 400 * 24 * 60 * 60 * 1000;

export interface SessionOptions {
  /** Lifetime of a session, in ms. Default 14 days. */
  maxAgeMs?: number;
  /** Extend the lifetime on use (at most once a minute). Default false: a session ends maxAgeMs after login. */
  sliding?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

export interface Session {
  /** The id the browser holds (never stored). */
  id: string;
  userId: number;
  csrfToken: string;
  created: number;
  expires: number;
  /** True when this lookup extended a sliding session: the cookie should be sent again. */
  renewed: boolean;
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

function storageKey(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

export class SessionStore {
  readonly maxAgeMs: number;
  private readonly sliding: boolean;
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    options: SessionOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS;
    if (!(this.maxAgeMs >= 1000 && this.maxAgeMs <= MAX_COOKIE_AGE_MS)) {
      throw new Error(`Session maxAgeMs must be between 1 second and 400 days (browsers cap cookies there), got ${this.maxAgeMs}`);
    }
    this.sliding = options.sliding ?? false;
    this.now = options.now ?? Date.now;
  }

  async create(userId: number): Promise<Session> {
    const created = this.now();
    const session: Session = {
      id: randomToken(),
      userId,
      csrfToken: randomToken(),
      created,
      expires: created + this.maxAgeMs,
      renewed: false,
    };
    await this.db
      .insertInto('flowlane_session')
      .values({
        id: storageKey(session.id),
        user_id: userId,
        csrf_token: session.csrfToken,
        created,
        expires: session.expires,
      })
      .execute();
    return session;
  }

  /** The live session with this id, or null; an expired one is deleted on sight. */
  async find(sessionId: string): Promise<Session | null> {
    const key = storageKey(sessionId);
    const row = await this.db.selectFrom('flowlane_session').selectAll().where('id', '=', key).executeTakeFirst();
    if (!row) return null;
    const now = this.now();
    if (row.expires <= now) {
      await this.db.deleteFrom('flowlane_session').where('id', '=', key).execute();
      return null;
    }
    const session: Session = {
      id: sessionId,
      userId: row.user_id,
      csrfToken: row.csrf_token,
      created: row.created,
      expires: row.expires,
      renewed: false,
    };
    if (this.sliding && now + this.maxAgeMs - row.expires >= SLIDING_RENEW_INTERVAL_MS) {
      session.expires = now + this.maxAgeMs;
      session.renewed = true;
      await this.db.updateTable('flowlane_session').set({ expires: session.expires }).where('id', '=', key).execute();
    }
    return session;
  }

  async delete(sessionId: string): Promise<void> {
    await this.db.deleteFrom('flowlane_session').where('id', '=', storageKey(sessionId)).execute();
  }

  /** Deletes expired sessions; returns how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.db.deleteFrom('flowlane_session').where('expires', '<=', this.now()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
