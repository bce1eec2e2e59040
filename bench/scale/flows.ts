/**
 * The flows the scale data belongs to: ten flows of one realistic shape,
 * so the "every flow" lists span several flows and each user holds the
 * permissions of only a few of them.
 */
import { Flow, flow, self, type Activation } from '../../src/index.ts';

export const FLOW_COUNT = 10;
export const flowLabel = (i: number) => `scale-${i}`;
export const teamOf = (i: number) => `team-${i}`;

/** start → review (codename) → approve (group) → check → send → end, or check → end. */
function reviewFlow(i: number) {
  return class extends Flow {
    static label = flowLabel(i);
    static title = `Scale ${i}`;
    start = flow.StartHandle().Next(self.review);
    review = flow.View().Permission({ autoCreate: true }).Next(self.approve);
    approve = flow.View().Permission({ groups: [teamOf(i)] }).Next(self.check);
    check = flow.If((a: Activation) => Boolean(a.process.data.approved)).Then(self.send).Else(self.end);
    send = flow.Function(() => undefined).Next(self.end);
    end = flow.End();
  };
}

export const SCALE_FLOWS = Array.from({ length: FLOW_COUNT }, (_, i) => reviewFlow(i));
