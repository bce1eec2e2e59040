/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * Task and process statuses in plain words, as labelled badges. The stored
 * values stay what the engine writes (a running process is NEW); only the
 * words on the page change. URLs name process statuses by their words too
 * (`?status=running`).
 */
import type { ProcessStatus, TaskStatus } from '../../engine/model.ts';

const PROCESS_LABELS: Record<ProcessStatus, string> = { NEW: 'Running', DONE: 'Done', CANCELED: 'Canceled' };

/** What a process status means to a reader: a NEW process is one still running. */
export const processStatusLabel = (status: ProcessStatus): string => PROCESS_LABELS[status] ?? status;

/** The word a process status has in URLs: running, done, canceled. */
export const processStatusParam = (status: ProcessStatus): string => processStatusLabel(status).toLowerCase();

/** A `?status=` value (the word, or the stored value) as the stored status. */
export function processStatusFromParam(value: string | undefined): ProcessStatus | undefined {
  if (!value) return undefined;
  const wanted = value.toLowerCase();
  return (Object.keys(PROCESS_LABELS) as ProcessStatus[]).find((s) => s.toLowerCase() === wanted || processStatusParam(s) === wanted);
}

const TASK_LABELS: Record<TaskStatus, string> = {
  NEW: 'Unassigned',
  ASSIGNED: 'Assigned',
  STARTED: 'In progress',
  SCHEDULED: 'Scheduled',
  DONE: 'Done',
  CANCELED: 'Canceled',
  ERROR: 'Failed',
  REVIVED: 'Revived',
};

/**
 * A task status in words. `kind`: the node's kind; a new task of a node
 * people do not take (a job, a join, a handle) is waiting, not unassigned.
 */
export function taskStatusLabel(status: TaskStatus, kind?: string): string {
  if (status === 'NEW' && kind !== undefined && kind !== 'view' && kind !== 'start') return 'Waiting';
  if (status === 'STARTED' && kind === 'join') return 'Waiting'; // for the other branches
  return TASK_LABELS[status] ?? status;
}

export function Status({ status, label }: { status: string; label?: string }) {
  return <span class={`fl-status fl-status-${status.toLowerCase()}`}>{label ?? TASK_LABELS[status as TaskStatus] ?? status}</span>;
}

export function TaskStatusBadge({ status, kind }: { status: TaskStatus; kind?: string }) {
  return <Status status={status} label={taskStatusLabel(status, kind)} />;
}

export function ProcessStatusBadge({ status }: { status: ProcessStatus }) {
  return <Status status={status} label={processStatusLabel(status)} />;
}

export function Time({ ms }: { ms: number | null }) {
  if (ms == null) return <span class="fl-hint">—</span>;
  const [day, clock] = [formatTime(ms).slice(0, 10), formatTime(ms).slice(11)];
  // On a narrow screen the time may go under the date, but neither breaks at its hyphen or colon.
  return (
    <time datetime={new Date(ms).toISOString()}>
      <span class="fl-nowrap">{day}</span> <span class="fl-nowrap">{clock}</span>
    </time>
  );
}

/** "2030-01-02 14:05 UTC": times show in UTC, so the order of events reads the same for everyone. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
