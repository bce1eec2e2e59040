/**
 * The two flows the reference figures are for, declared as a user would.
 * Each node's work is trivial on purpose: the benchmark measures the
 * engine and the database, not user code.
 */
import { z } from 'zod';
import { Flow, flow, self, type Activation } from '../src/index.ts';

export const HelloData = z.object({
  text: z.string().max(250).default('Hello, world'),
  approved: z.boolean().default(false),
  sent: z.number().int().default(0),
});
type Hello = z.infer<typeof HelloData>;

/** StartHandle → Handle → If → Function → End: 5 tasks per process. */
export class HelloWorldFlow extends Flow<Hello> {
  static data = HelloData;
  start = flow.StartHandle().Next(self.approve);
  approve = flow.Handle(self.approveIt).Next(self.check);
  check = flow.If((a: Activation<Hello>) => a.process.data.approved).Then(self.send).Else(self.end);
  send = flow.Function(self.sendIt).Next(self.end);
  end = flow.End();

  approveIt(activation: Activation<Hello>) {
    activation.process.data.approved = true;
  }
  sendIt(activation: Activation<Hello>) {
    activation.process.data.sent += 1;
  }
}

/** StartHandle → Split into three Handles → Join → End: 7 tasks per process. */
export class SplitJoinFlow extends Flow {
  start = flow.StartHandle().Next(self.split);
  split = flow.Split().Always(self.a).Always(self.b).Always(self.c);
  a = flow.Handle().Next(self.join);
  b = flow.Handle().Next(self.join);
  c = flow.Handle().Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
}

export type FlowName = 'hello' | 'splitjoin';

export const FLOWS = {
  hello: { cls: HelloWorldFlow, title: 'hello world', tasks: 5, handles: 1 },
  splitjoin: { cls: SplitJoinFlow, title: 'split/join', tasks: 7, handles: 3 },
} as const;
