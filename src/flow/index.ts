/**
 * The node factories a flow class uses: `flow.View(...)`, `flow.If(...)`, …
 */
import {
  EndNode,
  FunctionNode,
  HandleNode,
  IfNode,
  JoinNode,
  ObsoleteNode,
  SplitFirstNode,
  SplitNode,
  StartHandleNode,
  StartNode,
  SwitchNode,
  ViewNode,
  type Callable,
} from './nodes.ts';

export const flow = {
  /** Begun by a person through a view (the start form). */
  Start: (view?: unknown) => new StartNode(view),
  /** Begun from code: `engine.start(Flow, 'node', { data })`. */
  StartHandle: (handler?: Callable) => new StartHandleNode(handler),
  /** A human task. */
  View: (view?: unknown) => new ViewNode(view),
  /** Runs synchronously when reached. */
  Function: (handler: Callable) => new FunctionNode(handler),
  /** Waits until code runs it: `engine.runHandle(taskId, ...)`. */
  Handle: (handler?: Callable) => new HandleNode(handler),
  If: (condition: Callable) => new IfNode(condition),
  Switch: () => new SwitchNode(),
  Split: () => new SplitNode(),
  /** The first branch to finish cancels the others. */
  SplitFirst: () => new SplitFirstNode(),
  Join: (continueWhen?: Callable) => new JoinNode(continueWhen),
  End: () => new EndNode(),
  Obsolete: () => new ObsoleteNode(),
};
