/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * /accounts/login and /accounts/logout, for a provider that can check a
 * password (databaseAuth). Mount at the site root, after flashMessages(),
 * authMiddleware() and csrfProtection():
 *
 * ```ts
 * app.route('/', authRoutes({ provider }));
 * ```
 */
import { Hono, type Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Layout, layoutProps } from '../layout.tsx';
import { flash } from '../flash.ts';
import type { AuthEnv } from './env.ts';
import type { PasswordAuthProvider } from './provider.ts';
import { DEFAULT_LOGIN_URL } from './middleware.ts';
import { LoginRateLimiter } from './rate-limit.ts';
import { safeRedirectPath } from './redirect.ts';

export interface AuthRoutesOptions {
  provider: PasswordAuthProvider;
  /** Where to go after login when `next` is missing or not a path on this site. Default "/". */
  defaultRedirect?: string;
  /** Default: 5 failures per username and IP in 15 minutes. */
  rateLimiter?: LoginRateLimiter;
  /**
   * The client's address for rate limiting. Default: the socket's peer.
   * Behind a reverse proxy, read the address the proxy reports instead.
   */
  clientIp?: (c: Context) => string;
}

interface LoginFormProps {
  c: Context<AuthEnv>;
  next: string;
  username?: string;
  error?: string;
}

function LoginPage({ c, next, username = '', error }: LoginFormProps) {
  return (
    <Layout title="Log in" {...layoutProps(c)}>
      <div class="fl-panel">
        {error ? (
          <p class="fl-error" role="alert" id="login-error">
            {error}
          </p>
        ) : (
          ''
        )}
        {/* No action: the form posts back to this URL, wherever the routes are mounted. */}
        <form method="post" class="fl-form" aria-describedby={error ? 'login-error' : undefined}>
          <input type="hidden" name="_csrf" value={c.var.csrfToken} />
          <input type="hidden" name="next" value={next} />
          <div class="fl-field">
            <label for="username">Username</label>
            <input id="username" name="username" value={username} autocomplete="username" required autofocus />
          </div>
          <div class="fl-field">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <div>
            <button type="submit">Log in</button>
          </div>
        </form>
      </div>
    </Layout>
  );
}

function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not running on @hono/node-server
  }
}

function retryMessage(retryAfterMs: number): string {
  const minutes = Math.ceil(retryAfterMs / 60_000);
  return `Too many failed login attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

export function authRoutes(options: AuthRoutesOptions): Hono<AuthEnv> {
  const { provider, defaultRedirect = '/' } = options;
  const limiter = options.rateLimiter ?? new LoginRateLimiter();
  const clientIp = options.clientIp ?? peerAddress;

  return new Hono<AuthEnv>()
    .get('/accounts/login', (c) => {
      const next = safeRedirectPath(c.req.query('next'), defaultRedirect);
      if (c.var.user) return c.redirect(next, 302);
      return c.html(<LoginPage c={c} next={next} />);
    })
    .post('/accounts/login', async (c) => {
      const form = await c.req.parseBody();
      const field = (name: string) => (typeof form[name] === 'string' ? form[name] : '');
      const username = field('username').trim();
      const password = field('password');
      const next = safeRedirectPath(field('next') || c.req.query('next'), defaultRedirect);
      const page = (error: string, status: 422 | 429) => c.html(<LoginPage c={c} next={next} username={username} error={error} />, status);

      if (!username || !password) return page('Enter your username and password.', 422);
      const ip = clientIp(c);
      // Checked before the password, so a blocked guesser learns nothing from further tries.
      const decision = limiter.check(username, ip);
      if (!decision.allowed) {
        c.header('Retry-After', String(Math.ceil(decision.retryAfterMs / 1000)));
        return page(retryMessage(decision.retryAfterMs), 429);
      }
      const user = await provider.login(c, { username, password });
      if (!user) {
        limiter.recordFailure(username, ip);
        return page('Invalid username or password.', 422);
      }
      limiter.reset(username, ip);
      return c.redirect(next, 303);
    })
    .post('/accounts/logout', async (c) => {
      await provider.logout(c);
      flash(c, 'info', 'You have been logged out.');
      return c.redirect(DEFAULT_LOGIN_URL, 303);
    });
}
