/** Driver errors that mean "another transaction holds the lock", on each database. */
export function isLockConflict(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  return (
    code === '55P03' || // PostgreSQL lock_not_available: NOWAIT, or lock_timeout ran out
    code === '40P01' || // PostgreSQL deadlock_detected
    code === '40001' || // serialization_failure
    e?.errno === 3572 || // MySQL NOWAIT
    e?.errno === 1205 || // MySQL/MariaDB lock wait timeout (MariaDB's NOWAIT too)
    e?.errno === 1213 || // MySQL/MariaDB deadlock
    code.startsWith('SQLITE_BUSY') // SQLite: another writer outlasted the busy timeout
  );
}
