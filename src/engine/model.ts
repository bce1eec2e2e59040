/**
 * In-memory shapes of processes and tasks during a step, and what the
 * read API returns. Stored rows convert to and from these in the store.
 */
import type { ProcessStatus, TaskStatus } from '../store/schema.ts';

export type { ProcessStatus, TaskStatus };

export const ACTIVE_STATUSES: readonly TaskStatus[] = ['NEW', 'ASSIGNED', 'STARTED', 'SCHEDULED', 'ERROR'];

export function isActive(status: TaskStatus): boolean {
  return status !== 'DONE' && status !== 'CANCELED' && status !== 'REVIVED';
}

export interface ProcessState<D = Record<string, unknown>> {
  id: number;
  flow: string;
  status: ProcessStatus;
  created: number;
  finished: number | null;
  data: D;
  parentTaskId: number | null;
  artifactType: string | null;
  artifactId: string | null;
  seedType: string | null;
  seedId: string | null;
  /** Bumped by every step that writes; a step whose process changed under it fails. */
  version: number;
}

export interface TaskState {
  id: number;
  processId: number;
  /** Node name within the flow. */
  node: string;
  taskType: string;
  status: TaskStatus;
  created: number;
  assigned: number | null;
  started: number | null;
  finished: number | null;
  scheduled: number | null;
  token: string;
  externalTaskId: string | null;
  ownerId: number | null;
  ownerPermission: string | null;
  data: Record<string, unknown>;
  comments: string | null;
  /** Ids of the tasks that led to this one (a Join: its branches), oldest first. */
  previous: number[];
}

/** A task as the read API returns it. */
export interface TaskInfo extends TaskState {
  flow: string;
}

/** A task as an action left it (what assign, execute, … return). */
export interface TaskSnapshot extends TaskState {
  flow: string;
}

export type ProcessInfo<D = Record<string, unknown>> = ProcessState<D>;
