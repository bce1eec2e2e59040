/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** A task or process status as a labelled badge. */
export function Status({ status }: { status: string }) {
  return <span class={`fl-status fl-status-${status.toLowerCase()}`}>{status.charAt(0) + status.slice(1).toLowerCase()}</span>;
}

export function Time({ ms }: { ms: number | null }) {
  if (ms == null) return <span class="fl-hint">—</span>;
  const iso = new Date(ms).toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 16).replace('T', ' ')} UTC`}</time>;
}
