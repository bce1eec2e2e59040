import { TransitionError } from '../errors.ts';
import type { ProcessState } from './model.ts';
import type { Step } from './step.ts';
import { canCancel, cancelTask } from './kinds.ts';
import { isManager } from './actions.ts';
import { PermissionDeniedError } from '../errors.ts';

/** Cancels every active task of a process, or none: the error names each
 * task that cannot be canceled. DONE, CANCELED and REVIVED tasks stay. */
export async function cancelProcess(step: Step, process: ProcessState): Promise<void> {
  const spec = step.spec(process);
  if (!isManager(spec, step.user)) {
    throw new PermissionDeniedError(`Cannot cancel process ${process.id}: needs the ${spec.permissions.manage} permission`);
  }
  if (process.status !== 'NEW') {
    throw new TransitionError(`Cannot cancel process ${process.id}: it is ${process.status}`, undefined, 'cancel', process.status);
  }
  const active = step.activeTasks(process.id);
  const blocking = active.filter((t) => !canCancel(spec.node(t.node), t.status));
  if (blocking.length) {
    throw new TransitionError(
      `Cannot cancel process ${process.id}: ${blocking.map((t) => `task ${t.id} (${t.node}) is ${t.status}`).join(', ')}; nothing was canceled`,
      blocking[0]!.id,
      'cancel',
      blocking[0]!.status,
    );
  }
  for (const task of active) await cancelTask(step, task);
  process.status = 'CANCELED';
  process.finished = step.now;
  step.emit('process.canceled', { flow: process.flow, process: { ...process } });
}
