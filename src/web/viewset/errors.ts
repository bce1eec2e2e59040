/**
 * Engine errors as HTTP answers: a refused action is explained in words
 * with the status that says why (403 not allowed, 404 not there, 409 not
 * now, 422 invalid data, 503 busy). Anything else is a bug: 500, logged.
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
import { errorPage } from '../pages/error.tsx';
import type { WebEnv } from '../env.ts';

export function statusOf(error: unknown): ContentfulStatusCode | undefined {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof PermissionDeniedError) return 403;
  if (error instanceof TransitionError || error instanceof ConcurrentUpdateError) return 409;
  if (error instanceof DataValidationError) return 422;
  if (error instanceof LockError) return 503;
  return undefined;
}

export function onError(error: Error, c: Context<WebEnv>): Response | Promise<Response> {
  if (error instanceof HTTPException) return error.getResponse();
  const status = statusOf(error);
  if (status === undefined) {
    (c.var.flowlane?.engine.logger ?? console).error('flowlane web:', error);
    return c.text('Internal server error', 500);
  }
  const message = error instanceof ConcurrentUpdateError ? 'Someone else changed this task at the same moment. Reload the page and try again.' : error.message;
  return errorPage(c, status, message);
}
