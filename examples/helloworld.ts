/**
 * Hello world: someone writes a message, a supervisor approves or rejects
 * it, and an approved message is sent.
 */
import { z } from 'zod';
import { Flow, flow, self, act, lock } from 'flowlane';
import type { JobActivation } from 'flowlane/jobs';
import { views } from 'flowlane/web';

const HelloWorld = z.object({
  text: z.string().min(1).max(250).meta({ title: 'Message' }),
  approved: z.boolean().default(false).meta({ title: 'Approve this message' }),
  sent: z.boolean().default(false),
});

export type HelloWorldData = z.infer<typeof HelloWorld>;

export class HelloWorldFlow extends Flow<HelloWorldData> {
  static title = 'Hello world';
  static description = 'A message is written, approved by a supervisor, and sent.';
  static label = 'helloworld';
  static data = HelloWorld;
  static lock = lock.rowLock;

  start = flow
    .Start(views.createProcess({ fields: ['text'] }))
    .Annotation({ title: 'New message' })
    .Permission({ autoCreate: true })
    .Next(self.approve);

  approve = flow
    .View(views.updateProcess({ fields: ['approved'] }))
    .Annotation({
      title: 'Approve message',
      description: 'Read the message and approve it to send it, or leave the box unticked to reject it.',
      summaryTemplate: 'Approve “{{ process.data.text }}”',
      resultTemplate: 'Approved: {{ process.data.approved }}',
    })
    .Permission({ autoCreate: true })
    // Nobody decided within two days: a manager decides instead.
    .OnTimeout('2d', self.escalate)
    .Next(self.checkApprove);

  escalate = flow
    .View(views.updateProcess({ fields: ['approved'] }))
    .Annotation({
      title: 'Decide on an overdue message',
      description: 'The supervisor did not decide within two days. Approve the message to send it, or leave the box unticked to reject it.',
      summaryTemplate: 'Overdue: “{{ process.data.text }}”',
      resultTemplate: 'Approved: {{ process.data.approved }}',
    })
    .Permission({ autoCreate: true })
    .Next(self.checkApprove);

  checkApprove = flow.If(act.process.data.approved).Then(self.send).Else(self.end);

  // Sending runs in a background worker, retried up to three times.
  send = flow.Job(self.sendMessage, { attempts: 3, backoff: '5s' }).Annotation({ title: 'Send message' }).Next(self.end);

  end = flow.End();

  async sendMessage(activation: JobActivation<HelloWorldData>): Promise<void> {
    // A real flow would hand the message to a mail or chat service here,
    // passing activation.task.id as the idempotency key.
    activation.process.data.sent = true;
  }
}
