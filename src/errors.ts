/**
 * Every error Flowlane throws on purpose is a FlowlaneError with a stable
 * `code`, so callers (and the web layer's status mapping) can tell them
 * apart without parsing messages.
 */
export class FlowlaneError extends Error {
  readonly code: string = 'FLOWLANE_ERROR';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An argument of the wrong type or shape (an id that is not an integer, …). */
export class InvalidArgumentError extends FlowlaneError {
  override readonly code = 'INVALID_ARGUMENT';
}

/** A flow class is wired wrongly; raised when the flow is registered. */
export class FlowDefinitionError extends FlowlaneError {
  override readonly code = 'FLOW_DEFINITION';
}

/** A flow reached a state its definition cannot handle (a Switch with no
 * matching case, a Join fed by two different splits, …). */
export class FlowRuntimeError extends FlowlaneError {
  override readonly code = 'FLOW_RUNTIME';
}

export class NotFoundError extends FlowlaneError {
  override readonly code = 'NOT_FOUND';
}

/** The transition is not allowed from the task's current status. */
export class TransitionError extends FlowlaneError {
  override readonly code = 'TRANSITION_NOT_ALLOWED';
  constructor(
    message: string,
    readonly taskId: number | undefined,
    readonly action: string,
    readonly status: string | undefined,
  ) {
    super(message);
  }
}

/** The transition exists but this user may not make it. */
export class PermissionDeniedError extends FlowlaneError {
  override readonly code = 'PERMISSION_DENIED';
}

export interface DataIssue {
  path: string;
  message: string;
}

/** Process or task data failed the flow's schema. */
export class DataValidationError extends FlowlaneError {
  override readonly code = 'INVALID_DATA';
  constructor(
    readonly where: string,
    readonly issues: DataIssue[],
  ) {
    super(`Invalid data for ${where}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

/** Another step changed the same task first (compare-and-set lost). */
export class ConcurrentUpdateError extends FlowlaneError {
  override readonly code = 'CONCURRENT_UPDATE';
}

/** The flow's lock could not be taken within its attempts. */
export class LockError extends FlowlaneError {
  override readonly code = 'LOCK_TIMEOUT';
}
