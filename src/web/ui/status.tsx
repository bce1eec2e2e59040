/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** A task or process status as a labelled badge. */
import type { ProcessStatus } from '../../engine/model.ts';

const capitalized = (status: string) => status.charAt(0) + status.slice(1).toLowerCase();

/** What a process status means to a reader: a NEW process is one still running. */
export const processStatusLabel = (status: ProcessStatus): string => (status === 'NEW' ? 'Running' : capitalized(status));

export function Status({ status, label = capitalized(status) }: { status: string; label?: string }) {
  return <span class={`fl-status fl-status-${status.toLowerCase()}`}>{label}</span>;
}

export function ProcessStatusBadge({ status }: { status: ProcessStatus }) {
  return <Status status={status} label={processStatusLabel(status)} />;
}

export function Time({ ms }: { ms: number | null }) {
  if (ms == null) return <span class="fl-hint">—</span>;
  const iso = new Date(ms).toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 16).replace('T', ' ')} UTC`}</time>;
}
