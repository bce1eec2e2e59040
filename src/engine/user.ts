/**
 * The engine's view of a person. The web layer's auth provider (or an
 * application's own) builds it; the engine only reads it to decide what a
 * user may do.
 */
export interface FlowUser {
  id: number;
  username: string;
  isSuperuser: boolean;
  /** Permission codenames the user holds, directly or through groups. */
  permissions: ReadonlySet<string>;
  /** Names of the groups the user belongs to. */
  groups: ReadonlySet<string>;
}

export function hasPermission(user: FlowUser, codename: string): boolean {
  return user.isSuperuser || user.permissions.has(codename);
}

/** A user for code paths that act as the system itself (jobs, timers, scripts). */
export const SYSTEM_USER: FlowUser = Object.freeze({
  id: 0,
  username: 'system',
  isSuperuser: true,
  permissions: new Set<string>(),
  groups: new Set<string>(),
});
