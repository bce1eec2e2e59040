/**
 * Typed engine events. Listeners run after the step's transaction has
 * committed, so they never see work that is later rolled back; a listener
 * that throws is logged and does not affect the step.
 */
import type { ProcessState, TaskState } from './model.ts';

export interface EngineEvents {
  'process.started': { flow: string; process: ProcessState };
  'process.finished': { flow: string; process: ProcessState };
  'process.canceled': { flow: string; process: ProcessState };
  'task.created': { flow: string; task: TaskState };
  'task.assigned': { flow: string; task: TaskState };
  'task.started': { flow: string; task: TaskState };
  'task.finished': { flow: string; task: TaskState };
  'task.failed': { flow: string; task: TaskState; error: { message: string; stack?: string } };
  'task.canceled': { flow: string; task: TaskState };
}

export type EngineEventName = keyof EngineEvents;
export type EngineEvent = { [K in EngineEventName]: { name: K; payload: EngineEvents[K] } }[EngineEventName];

type Listener<K extends EngineEventName> = (payload: EngineEvents[K]) => void | Promise<void>;

export class EventBus {
  private readonly listeners = new Map<EngineEventName, Set<Listener<any>>>();

  constructor(private readonly onListenerError: (error: unknown, event: EngineEventName) => void) {}

  on<K extends EngineEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  get hasListeners(): boolean {
    for (const set of this.listeners.values()) if (set.size) return true;
    return false;
  }

  async emit(events: readonly EngineEvent[]): Promise<void> {
    for (const event of events) {
      const set = this.listeners.get(event.name);
      if (!set) continue;
      for (const listener of set) {
        try {
          await listener(event.payload);
        } catch (error) {
          this.onListenerError(error, event.name);
        }
      }
    }
  }
}
