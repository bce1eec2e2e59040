/** Users, sessions, CSRF and login pages for flowlane/web. */
export type { AuthEnv, AuthVariables } from './env.ts';
export { hashPassword, verifyPassword, DEFAULT_SCRYPT_PARAMS, type ScryptParams } from './password.ts';
export {
  UserError,
  validateUsername,
  createUser,
  findUserByUsername,
  authenticate,
  loadFlowUser,
  ensurePermissions,
  grantPermission,
  addUserToGroup,
  type StoredUser,
  type NewUser,
  type PermissionSpec,
  type Grantee,
} from './users.ts';
export { SessionStore, SESSION_COOKIE, DEFAULT_SESSION_MAX_AGE_MS, type Session, type SessionOptions } from './sessions.ts';
export {
  databaseAuth,
  type AuthProvider,
  type PasswordAuthProvider,
  type DatabaseAuthProvider,
  type Credentials,
} from './provider.ts';
export { csrfProtection, csrfToken, CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER } from './csrf.ts';
export { LoginRateLimiter, type LoginRateLimitOptions, type RateLimitDecision } from './rate-limit.ts';
export { safeRedirectPath } from './redirect.ts';
export { authMiddleware, requireUser, loginUrlFor, DEFAULT_LOGIN_URL } from './middleware.ts';
export { authRoutes, type AuthRoutesOptions } from './routes.tsx';
