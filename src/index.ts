// Jobs, timers and subprocesses register their node kinds with every engine.
import './jobs/kinds.ts';

export { Flow, type FlowClass, type DataOf } from './flow/flow.ts';
export { flow } from './flow/index.ts';
export { self, act, Ref } from './flow/refs.ts';
export { renderTemplate } from './flow/template.ts';
export { buildFlow, flowPermissions, type FlowSpec } from './flow/build.ts';
export type { Node, Annotation, PermissionSpec, AssignSpec } from './flow/nodes.ts';
export { lock, type LockStrategy, type RowLockOptions, type RedisLockOptions } from './lock/index.ts';
export { createEngine, Engine, type EngineOptions, type StartOptions, type TaskContext, type TaskScope } from './engine/engine.ts';
export { Activation } from './engine/activation.ts';
export type { ProcessInfo, TaskInfo, TaskSnapshot, ProcessState, TaskState, ProcessStatus, TaskStatus } from './engine/model.ts';
export type { TaskAction, ActionOptions, Verdict } from './engine/actions.ts';
export type { EngineEvents, EngineEventName } from './engine/events.ts';
export { SYSTEM_USER, hasPermission, type FlowUser } from './engine/user.ts';
export * from './errors.ts';
export { openDatabase, type OpenDatabase, type DatabaseSettings } from './store/connect.ts';
export { migrate } from './store/migrate.ts';
export { defineConfig } from './cli/config.ts';
