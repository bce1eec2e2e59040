/**
 * A node's view may be a handler function (one for every method), a class
 * with `get`/`post` methods (instantiated once), or an object with them.
 * This turns any of those into one handler that dispatches on the method.
 */
import type { Context } from 'hono';

type Handler<C> = (c: C) => Response | Promise<Response>;
interface Methods<C> {
  get?: Handler<C>;
  post?: Handler<C>;
}

const isClass = (value: unknown): value is new () => Methods<unknown> =>
  typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));

export function resolveView<C extends Context<any>>(view: unknown, where: string): Handler<C> {
  if (isClass(view)) return resolveView(new view(), where);
  if (typeof view === 'function') return view as Handler<C>;
  const methods = view as Methods<C> | null;
  if (!methods || (typeof methods.get !== 'function' && typeof methods.post !== 'function')) {
    throw new Error(`${where}: a view must be a handler function, a class with get/post methods, or an object with them`);
  }
  const get = methods.get?.bind(methods);
  const post = methods.post?.bind(methods);
  return (c) => {
    const handler = c.req.method === 'GET' || c.req.method === 'HEAD' ? get : c.req.method === 'POST' ? post : undefined;
    if (!handler) return c.text(`${c.req.method} is not allowed here`, 405, { Allow: [get && 'GET', post && 'POST'].filter(Boolean).join(', ') });
    return handler(c);
  };
}
