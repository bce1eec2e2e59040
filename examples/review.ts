/**
 * Review: a list of documents is submitted; each document gets a review
 * task of its own (a dynamic split over the list), and the process ends
 * when every review is done. A reviewer's verdict is stored in the review
 * task's data, beside the document it is about (`task.data.item`).
 */
import { z } from 'zod';
import { Flow, flow, self, act } from 'flowlane';
import { views } from 'flowlane/web';

const Review = z.object({
  title: z.string().min(1).max(200).meta({ title: 'Title' }),
  items: z
    .array(z.string().min(1).max(200))
    .min(1)
    .max(20)
    .meta({ title: 'Documents', description: 'The documents to review' }),
});

export type ReviewData = z.infer<typeof Review>;

export const ReviewVerdict = z.object({
  verdict: z.enum(['accept', 'reject']).meta({ title: 'Verdict' }),
  comment: z.string().max(1000).optional().meta({ title: 'Comment' }),
});

export class ReviewFlow extends Flow<ReviewData> {
  static title = 'Document review';
  static description = 'Each submitted document is reviewed on its own; the process ends when all are reviewed.';
  static label = 'review';
  static data = Review;

  start = flow
    .Start(views.createProcess({ fields: ['title', 'items'] }))
    .Annotation({ title: 'Submit documents' })
    .Permission({ autoCreate: true })
    .Next(self.split);

  split = flow.Split().Next(self.review, { dataSource: act.process.data.items });

  review = flow
    .View(views.updateTask({ schema: ReviewVerdict, fields: ['verdict', 'comment'], optional: ['comment'] }))
    .Annotation({
      title: 'Review document',
      summaryTemplate: 'Review “{{ task.data.item }}” ({{ process.data.title }})',
      resultTemplate: '{{ task.data.item }}: {{ task.data.verdict }}',
    })
    .Permission({ autoCreate: true })
    .Reassign()
    .Next(self.join);

  join = flow.Join().Next(self.end);

  end = flow.End();
}
