/**
 * Deterministic scale data: processes of the review flows in a fixed cycle
 * of 20 shapes that writes exactly 100 tasks, so P processes hold 5·P
 * tasks. Per cycle: 12 approved (6 tasks), 3 rejected (5), 1 canceled at
 * approve (3), 2 waiting at review (2: one in a queue, one assigned) and
 * 2 waiting at approve (3: one in a queue, one started): 20% of
 * processes active, as in a busy system. Owners are spread over the users.
 */
import { flowLabel, teamOf, FLOW_COUNT } from './flows.ts';

export interface ScaleShape {
  processes: number;
  users: number;
  /** Oldest creation time, ms; rows are spread evenly up to `now`. */
  since: number;
  now: number;
}

export type ProcessValues = [number, string, string, number, number | null, string, null, null, null, null, null];
export type TaskValues = [
  number, number, string, string, string, number, number | null, number | null, number | null, null, string, null, number | null, string | null, string, null,
  string | null,
];

type Kind = 'approved' | 'rejected' | 'canceled' | 'queuedReview' | 'assignedReview' | 'queuedApprove' | 'startedApprove';
const CYCLE: Kind[] = [
  ...Array<Kind>(12).fill('approved'),
  ...Array<Kind>(3).fill('rejected'),
  'canceled',
  'queuedReview',
  'assignedReview',
  'queuedApprove',
  'startedApprove',
];

/** mulberry32: a small seeded generator, so every run loads the same rows. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Batch {
  processes: ProcessValues[];
  tasks: TaskValues[];
  /** Tasks with a previous task (each has one here). */
  links: number;
}

/** Yields the rows in batches of about `size` processes; ids run 1, 2, … in creation order. */
export function* generate(shape: ScaleShape, size: number): Generator<Batch> {
  const rnd = random(42);
  const step = (shape.now - shape.since) / shape.processes;
  let id = 1;
  let batch: Batch = { processes: [], tasks: [], links: 0 };
  for (let p = 0; p < shape.processes; p++) {
    const kind = CYCLE[p % CYCLE.length]!;
    const f = Math.floor(rnd() * FLOW_COUNT);
    const label = flowLabel(f);
    const created = Math.round(shape.since + p * step);
    const user = () => 1 + Math.floor(rnd() * shape.users);
    const processId = id++;
    const active = kind !== 'approved' && kind !== 'rejected' && kind !== 'canceled';
    const end = created + 3_600_000 * (1 + Math.floor(rnd() * 48));
    let t = created;
    const tick = () => (t += 60_000 + Math.floor(rnd() * 3_600_000));
    let previous: number | undefined;
    const task = (node: string, type: string, status: string, fields: { owner?: number; started?: number | null; finished?: number | null; assigned?: number | null; permission?: string | null; data?: string }) => {
      const taskId = id++;
      const at = tick();
      batch.tasks.push([
        taskId, processId, `${label}.${node}`, type, status, at, fields.assigned ?? null, fields.started ?? null,
        fields.finished === undefined ? at : fields.finished, null, 'start', null, fields.owner ?? null, fields.permission ?? null, fields.data ?? '{}', null,
        previous === undefined ? null : String(previous),
      ]);
      if (previous !== undefined) batch.links++;
      previous = taskId;
    };
    const review = `${label}.can_review`;
    const approve = `groups:${teamOf(f)}`;
    const done = (owner: number) => ({ owner, assigned: t, started: t, permission: null as string | null });
    task('start', 'START', 'DONE', {});
    if (kind === 'queuedReview') {
      task('review', 'HUMAN', 'NEW', { permission: review, finished: null });
    } else if (kind === 'assignedReview') {
      task('review', 'HUMAN', 'ASSIGNED', { owner: user(), assigned: t, permission: review, finished: null });
    } else {
      task('review', 'HUMAN', 'DONE', { ...done(user()), permission: review });
      if (kind === 'queuedApprove') task('approve', 'HUMAN', 'NEW', { permission: approve, finished: null });
      else if (kind === 'startedApprove') task('approve', 'HUMAN', 'STARTED', { owner: user(), assigned: t, started: t, permission: approve, finished: null });
      else if (kind === 'canceled') task('approve', 'HUMAN', 'CANCELED', { permission: approve });
      else {
        task('approve', 'HUMAN', 'DONE', { ...done(user()), permission: approve });
        task('check', 'GATE', 'DONE', {});
        if (kind === 'approved') task('send', 'FUNCTION', 'DONE', {});
        task('end', 'END', 'DONE', {});
      }
    }
    const status = active ? 'NEW' : kind === 'canceled' ? 'CANCELED' : 'DONE';
    const data = JSON.stringify({ title: `Request ${processId}`, approved: kind === 'approved', amount: Math.floor(rnd() * 10_000) });
    batch.processes.push([processId, label, status, created, active ? null : Math.max(end, t), data, null, null, null, null, null]);
    if (batch.processes.length >= size) {
      yield batch;
      batch = { processes: [], tasks: [], links: 0 };
    }
  }
  if (batch.processes.length) yield batch;
}
