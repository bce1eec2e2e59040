/**
 * The wrapper around a start node's view: 403 unless the node's permission
 * lets the user start the flow; the view gets `c.var.flowStart`, whose
 * start(data) creates the process in one step of the engine.
 */
import type { Context } from 'hono';
import type { FlowSpec } from '../../flow/build.ts';
import type { Node } from '../../flow/nodes.ts';
import { describePermission, mayTake } from '../../engine/actions.ts';
import { PermissionDeniedError } from '../../errors.ts';
import type { StartEnv, StartHandler, WebEnv } from '../env.ts';

export function startView(flow: FlowSpec, node: Node, view: StartHandler) {
  return async (c: Context<WebEnv>): Promise<Response> => {
    const { engine } = c.var.flowlane;
    const user = c.var.user;
    if (!user) return c.text('Authentication required: sign in and try again.', 401);
    if (!mayTake(flow, node, user)) {
      throw new PermissionDeniedError(`You don't have the permission to start ${flow.title} (${describePermission(flow, node).replace(/^needs/, 'it needs')}).`);
    }
    const sc = c as unknown as Context<StartEnv>;
    sc.set('flowStart', {
      flow,
      node,
      start: (data) => engine.start(flow.cls, node.name as never, { data, user }),
    });
    return view(sc);
  };
}
