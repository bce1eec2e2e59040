/** The flow bench/jobs.ts measures, as a config the worker processes load:
 * start → one job that does nothing → end. */
import { Flow, flow, self, defineConfig } from '../src/index.ts';

export class JobBenchFlow extends Flow {
  start = flow.StartHandle().Next(self.send);
  send = flow.Job(() => undefined).Next(self.end);
  end = flow.End();
}

export default defineConfig({ flows: [JobBenchFlow] });
