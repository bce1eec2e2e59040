/**
 * Every URL the web layer links to, under the mount point:
 *
 *   /inbox /queue /archive                  all flows (a WorkflowViewset)
 *   /<flow>                                 dashboard
 *   /<flow>/inbox /queue /archive           one flow
 *   /<flow>/processes                       process list
 *   /<flow>/<start node>                    start a process
 *   /<flow>/<process>                       process detail (+ /cancel, /next)
 *   /<flow>/<process>/<node>/<task>         task detail (+ /execute, /assign, …)
 *
 * Links carry no trailing slash, so they resolve whether or not the router
 * they are mounted in is strict; Flowlane's own app also accepts one.
 */
import type { WebAction } from './env.ts';

export interface TaskRef {
  id: number;
  processId: number;
  node: string;
}

export class Urls {
  private readonly base: string;

  /** `listsOf`: the flow whose inbox, queue and archive are the lists (a single FlowViewset); none: all flows. */
  constructor(
    readonly mount: string,
    readonly listsOf?: string,
  ) {
    this.base = mount.replace(/\/+$/, '');
  }

  get home(): string {
    return this.listsOf ? this.dashboard(this.listsOf) : this.base || '/';
  }
  inbox(flow = this.listsOf): string {
    return flow ? `${this.base}/${flow}/inbox` : `${this.base}/inbox`;
  }
  queue(flow = this.listsOf): string {
    return flow ? `${this.base}/${flow}/queue` : `${this.base}/queue`;
  }
  archive(flow = this.listsOf): string {
    return flow ? `${this.base}/${flow}/archive` : `${this.base}/archive`;
  }
  dashboard(flow: string): string {
    return `${this.base}/${flow}`;
  }
  processes(flow: string, query?: URLSearchParams): string {
    const search = query?.toString();
    return `${this.base}/${flow}/processes${search ? `?${search}` : ''}`;
  }
  start(flow: string, node: string): string {
    return `${this.base}/${flow}/${node}`;
  }
  process(flow: string, processId: number): string {
    return `${this.base}/${flow}/${processId}`;
  }
  cancelProcess(flow: string, processId: number): string {
    return `${this.process(flow, processId)}/cancel`;
  }
  /** Sends the user on to their next task of the process, or to the inbox. */
  next(flow: string, processId: number): string {
    return `${this.process(flow, processId)}/next`;
  }
  task(flow: string, task: TaskRef): string {
    return `${this.process(flow, task.processId)}/${task.node}/${task.id}`;
  }
  action(flow: string, task: TaskRef, action: WebAction): string {
    return `${this.task(flow, task)}/${action}`;
  }
}
