/**
 * Hello world: someone writes a message, a supervisor approves or rejects
 * it, and an approved message is sent.
 */
import { z } from 'zod';
import { Flow, flow, self, act, lock, type Activation } from 'flowlane';
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
    .Next(self.checkApprove);

  checkApprove = flow.If(act.process.data.approved).Then(self.send).Else(self.end);

  send = flow.Function(self.sendMessage).Annotation({ title: 'Send message' }).Next(self.end);

  end = flow.End();

  sendMessage(activation: Activation<HelloWorldData>): void {
    activation.process.data.sent = true;
  }
}
