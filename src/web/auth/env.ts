/**
 * What the auth middleware puts on `c.var`. Page views declare their app
 * as `new Hono<AuthEnv>()` (or intersect AuthVariables with their own).
 */
import type { FlowUser } from '../../engine/user.ts';
import type { Session } from './sessions.ts';

export interface AuthVariables {
  /** The signed-in user, or null; set by authMiddleware(). */
  user: FlowUser | null;
  /** The server-side session behind `user`, when the provider keeps one (databaseAuth does). */
  session: Session | null;
  /** The token a form must send back as `_csrf`; set by csrfProtection(). */
  csrfToken: string;
}

export type AuthEnv = { Variables: AuthVariables };
