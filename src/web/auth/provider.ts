/**
 * Who is making a request. Flowlane asks an AuthProvider and never looks at
 * cookies or user tables itself, so an application can bring its own
 * users: a provider only has to build a FlowUser.
 *
 * @example An application behind a single sign-on proxy:
 * ```ts
 * const ssoAuth: AuthProvider = {
 *   async currentUser(c) {
 *     const username = c.req.header('x-remote-user'); // set by the trusted proxy
 *     const user = username ? await findUserByUsername(db, username) : null;
 *     return user && loadFlowUser(db, user.id);
 *   },
 * };
 * app.use(authMiddleware(ssoAuth));
 * app.use('/workflow/*', requireUser({ loginUrl: 'https://sso.example.com/login' }));
 * ```
 * With `login` and `logout` as well, a provider can serve Flowlane's own
 * /accounts/login page (see authRoutes); `databaseAuth(db)` is that
 * provider for the flowlane_user table.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { FlowUser } from '../../engine/user.ts';
import type { AuthEnv } from './env.ts';
import { cookieOptions } from './cookies.ts';
import { SESSION_COOKIE, SessionStore, type Session, type SessionOptions } from './sessions.ts';
import { authenticate, loadFlowUser } from './users.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface AuthProvider {
  /** The user making this request, or null for an anonymous one. Called once per request. */
  currentUser(c: Context): Promise<FlowUser | null>;
  /** Checks the credentials and, when they hold, signs the user in (sets cookies); null when they do not. */
  login?(c: Context, credentials: Credentials): Promise<FlowUser | null>;
  /** Signs the current user out. */
  logout?(c: Context): Promise<void>;
}

/** A provider that can serve Flowlane's login form. */
export type PasswordAuthProvider = Required<AuthProvider>;

export interface DatabaseAuthProvider extends PasswordAuthProvider {
  readonly sessions: SessionStore;
}

/** Users from flowlane_user, signed in with a password, remembered by a server-side session cookie. */
export function databaseAuth(db: Kysely<Database>, options: SessionOptions = {}): DatabaseAuthProvider {
  const sessions = new SessionStore(db, options);

  // A new or renewed session always has the full lifetime ahead of it.
  const sendCookie = (c: Context, session: Session) =>
    setCookie(c, SESSION_COOKIE, session.id, cookieOptions(c, Math.floor(sessions.maxAgeMs / 1000)));

  return {
    sessions,

    async currentUser(c: Context<AuthEnv>) {
      const sessionId = getCookie(c, SESSION_COOKIE);
      const session = sessionId ? await sessions.find(sessionId) : null;
      const user = session ? await loadFlowUser(db, session.userId) : null;
      if (!session || !user) {
        c.set('session', null);
        return null;
      }
      if (session.renewed) sendCookie(c, session);
      c.set('session', session);
      return user;
    },

    async login(c: Context<AuthEnv>, { username, password }) {
      const account = await authenticate(db, username, password);
      const user = account ? await loadFlowUser(db, account.id) : null;
      if (!user) return null;
      // A fresh id on every login, so a session id planted before login is worth nothing after it.
      const previous = getCookie(c, SESSION_COOKIE);
      if (previous) await sessions.delete(previous);
      await sessions.purgeExpired();
      const session = await sessions.create(user.id);
      sendCookie(c, session);
      c.set('session', session);
      return user;
    },

    async logout(c: Context<AuthEnv>) {
      const sessionId = getCookie(c, SESSION_COOKIE);
      if (sessionId) await sessions.delete(sessionId);
      deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
      c.set('session', null);
    },
  };
}
