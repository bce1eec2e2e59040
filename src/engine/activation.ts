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

export class Activation<D = any> {
  constructor(
    /** @internal the step this activation belongs to */
    readonly step: Step,
    readonly flow: FlowSpec,
    readonly process: ProcessState<D>,
    readonly task: TaskState,
    readonly node: Node,
  ) {}

  get user(): FlowUser {
    return this.step.user;
  }

  /** The step's transaction: write application rows here to commit with the step. */
  get db(): Kysely<Database> {
    return this.step.trx;
  }
}
