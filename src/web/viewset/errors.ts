/**
 * Engine errors as HTTP answers: a refused action is explained in words
 * with the status that says why (403 not allowed, 404 not there, 409 not
 * now, 422 invalid data, 503 busy), on a page in the layout. Anything else
 * is a bug: 500, logged, and a page that says so without the details.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import {
  ConcurrentUpdateError,
  DataValidationError,
  LockError,
  NotFoundError,
  PermissionDeniedError,
  TransitionError,
} from '../../errors.ts';
import { errorPage, serverErrorPage } from '../pages/error.tsx';
import type { WebEnv } from '../env.ts';

export function statusOf(error: unknown): ContentfulStatusCode | undefined {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof PermissionDeniedError) return 403;
  if (error instanceof TransitionError || error instanceof ConcurrentUpdateError) return 409;
  if (error instanceof DataValidationError) return 422;
  if (error instanceof LockError) return 503;
  return undefined;
}

/** What the page says for an error with a status. */
function messageOf(error: Error, status: ContentfulStatusCode): { message: string; detail?: string } {
  if (error instanceof ConcurrentUpdateError) return { message: 'Someone else changed this at the same moment, so nothing was changed. Reload the page and try again.', detail: error.message };
  if (error instanceof LockError) return { message: 'Too many people are working on this right now. Wait a moment and try again.', detail: error.message };
  if (error instanceof DataValidationError) return { message: 'The data was not accepted, so nothing was changed.', detail: error.message };
  if (status === 404) return { message: `${error.message}. The link may be mistyped, or what it pointed to no longer exists.` };
  return { message: error.message };
}

export function onError(error: Error, c: Context<WebEnv>): Response | Promise<Response> {
  if (error instanceof HTTPException) return error.getResponse();
  const status = statusOf(error);
  if (status === undefined) {
    (c.var.flowlane?.engine.logger ?? console).error('flowlane web:', error);
    return serverErrorPage(c);
  }
  const { message, detail } = messageOf(error, status);
  return errorPage(c, status, message, detail ? { detail } : {});
}
