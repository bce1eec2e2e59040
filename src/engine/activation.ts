/**
 * What user code receives: the process (with its typed data), the task,
 * the node, the user acting, and the step's transaction for writes of the
 * application's own that must commit or roll back with the step.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { FlowSpec } from '../flow/build.ts';
import type { Node } from '../flow/nodes.ts';
import type { ProcessState, TaskState } from './model.ts';
import type { FlowUser } from './user.ts';
import type { Step } from './step.ts';
import { InvalidArgumentError } from '../errors.ts';

/** What flow code may change; status, ids and the rest move only through
 * the engine's transitions, or a handler could finish another process's task. */
const WRITABLE_PROCESS = new Set(['data', 'artifactType', 'artifactId', 'seedType', 'seedId']);
const WRITABLE_TASK = new Set(['data', 'comments']);

/** One handler per kind of object, shared by every activation: a step
 * makes an activation per node it runs, and fresh closures cost. */
function guard(writable: ReadonlySet<string>, what: string): ProxyHandler<object> {
  const refuse = (key: string | symbol): never => {
    throw new InvalidArgumentError(`${what}.${String(key)} is read-only in flow code; only ${[...writable].join(', ')} may be changed`);
  };
  return {
    set(object, key, value) {
      if (typeof key !== 'string' || !writable.has(key)) refuse(key);
      (object as Record<string, unknown>)[key as string] = value;
      return true;
    },
    deleteProperty: (_object, key) => refuse(key),
    defineProperty: (_object, key) => refuse(key),
  };
}

const PROCESS_GUARD = guard(WRITABLE_PROCESS, 'activation.process');
const TASK_GUARD = guard(WRITABLE_TASK, 'activation.task');

export class Activation<D = any> {
  readonly process: ProcessState<D>;
  readonly task: TaskState;

  constructor(
    /** @internal the step this activation belongs to */
    readonly step: Step,
    readonly flow: FlowSpec,
    process: ProcessState<D>,
    task: TaskState,
    readonly node: Node,
  ) {
    this.process = new Proxy(process, PROCESS_GUARD) as ProcessState<D>;
    this.task = new Proxy(task, TASK_GUARD) as TaskState;
  }

  get user(): FlowUser {
    return this.step.user;
  }

  /** The step's transaction: write application rows here to commit with the step. */
  get db(): Kysely<Database> {
    return this.step.trx;
  }
}
