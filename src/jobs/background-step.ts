import { ConcurrentUpdateError } from '../errors.ts';
import type { Engine, TaskContext } from '../engine/engine.ts';

/**
 * A background step on one task (jobs, timers, subprocess completion), run
 * again when it lost a compare-and-set race: another step changed the task
 * or its process first (a sibling job finishing, a cancel). Run again, it
 * reloads, sees what changed and decides afresh (often: nothing left to
 * do). Gives up, throwing ConcurrentUpdateError, after `attempts`.
 */
export async function backgroundStep<T>(engine: Engine, taskId: number, body: (ctx: TaskContext) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.withTask(taskId, { mode: 'background' }, body);
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
