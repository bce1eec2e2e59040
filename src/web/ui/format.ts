/** Task summaries and results from the nodes' annotation templates. */
import type { FlowSpec } from '../../flow/build.ts';
import { renderTemplate } from '../../flow/template.ts';
import type { ProcessState, TaskState } from '../../engine/model.ts';

/** The node's summary template filled with the process and task, else the empty string. */
export function taskSummary(flow: FlowSpec, process: ProcessState, task: TaskState): string {
  const template = flow.node(task.node).annotation.summaryTemplate;
  return template ? renderTemplate(template, { process, task, flow: { label: flow.label, title: flow.title } }) : '';
}

/** The node's result template, for finished tasks. */
export function taskResult(flow: FlowSpec, process: ProcessState, task: TaskState): string {
  const template = flow.node(task.node).annotation.resultTemplate;
  return template && task.status === 'DONE' ? renderTemplate(template, { process, task, flow: { label: flow.label, title: flow.title } }) : '';
}

export function processTitle(flow: FlowSpec, process: ProcessState): string {
  return `${flow.title} #${process.id}`;
}
