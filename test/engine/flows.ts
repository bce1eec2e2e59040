/** Small flows the engine suite drives, one per behaviour under test. */
import { z } from 'zod';
import { Flow, flow, self, act, type Activation } from '../../src/index.ts';

export const ReviewData = z.object({
  text: z.string().max(50).default(''),
  approved: z.boolean().default(false),
  count: z.number().int().default(0),
  undone: z.number().int().default(0),
});
type Review = z.infer<typeof ReviewData>;

/** StartHandle → approve (human) → If → send (Function) | end. */
export class ApprovalFlow extends Flow<Review> {
  static data = ReviewData;
  start = flow.StartHandle(self.init).Next(self.approve);
  approve = flow.View().Permission('approval.approve').Reassign().OnUndo(self.undone).Next(self.check);
  check = flow.If(act.process.data.approved).Then(self.send).Else(self.end);
  send = flow.Function(self.sendMessage).Next(self.end);
  end = flow.End();

  init(activation: Activation<Review>, text?: string) {
    if (text) activation.process.data.text = text;
  }
  sendMessage(activation: Activation<Review>) {
    activation.process.data.count += 1;
  }
  undone(activation: Activation<Review>) {
    activation.process.data.undone += 1;
  }
}

/** StartHandle → Handle → If → Function → End: the benchmark's hello world shape. */
export class HandleFlow extends Flow<Review> {
  static data = ReviewData;
  start = flow.StartHandle().Next(self.work);
  work = flow.Handle(self.doWork).Next(self.check);
  check = flow.If((a: Activation<Review>) => a.process.data.approved).Then(self.fn).Else(self.end);
  fn = flow.Function(self.count).Next(self.end);
  end = flow.End();

  doWork(activation: Activation<Review>, approved = true) {
    activation.process.data.approved = approved;
  }
  count(activation: Activation<Review>) {
    activation.process.data.count += 1;
  }
}

/** Who may take a task: codename, auto-created codename, groups, function; and .Assign. */
export class PermissionsFlow extends Flow {
  start = flow.Start().Permission({ autoCreate: true }).Next(self.split);
  split = flow.Split().Always(self.byCodename).Always(self.byGroup).Always(self.byFunction).Always(self.assigned);
  byCodename = flow.View().Permission({ autoCreate: true }).Next(self.join);
  byGroup = flow.View().Permission({ groups: ['clerks', 'managers'] }).Next(self.join);
  byFunction = flow.View().Permission((user) => user.username.startsWith('a')).Next(self.join);
  assigned = flow.View().Assign({ ownerOf: self.start }).Next(self.join);
  join = flow.Join().Next(self.end);
  end = flow.End();
}

export const FailData = z.object({ fail: z.boolean().default(false), touched: z.boolean().default(false) });

/** A Function that throws on demand, after a Handle. */
export class FailingFlow extends Flow<z.infer<typeof FailData>> {
  static data = FailData;
  start = flow.StartHandle(self.init).Next(self.wait);
  wait = flow.Handle().Next(self.risky);
  risky = flow.Function(self.explode).Next(self.end);
  end = flow.End();

  init(activation: Activation<z.infer<typeof FailData>>) {
    if (activation.process.data.fail) throw new Error('start refused');
  }
  explode(activation: Activation<z.infer<typeof FailData>>) {
    activation.process.data.touched = true;
    if (activation.process.data.fail) throw new Error('boom in risky');
  }
}
