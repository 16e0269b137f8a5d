/**
 * What the `runmeta ui` server refuses before answering anything: a request
 * whose `Host` is not the address it listens on (a page on another site that
 * rebinds its own name to 127.0.0.1 would otherwise read the runs: DNS
 * rebinding), and any method but `GET` and `HEAD` (the server never writes).
 *
 * @packageDocumentation
 */
import type { MiddlewareHandler } from 'hono';
import { refusal } from '../api/wire.js';

/** The `Host` values a server on 127.0.0.1:`port` answers to. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** Refuse (403) a request whose `Host` is not one of {@link allowedHosts}. */
export function hostGuard(port: () => number): MiddlewareHandler {
  return async (c, next) => {
    const host = (c.req.header('host') ?? '').toLowerCase();
    const allowed = allowedHosts(port());
    if (!allowed.includes(host)) {
      return c.json(
        refusal(
          `a request for host "${host}" was refused: this server answers only to ${allowed.join(' and ')}`,
          `Open http://${allowed[0]}/ (a page on another site cannot read your runs through this server)`,
        ),
        403,
      );
    }
    await next();
  };
}

/** Refuse (405) any method that could mean a change: the server is read-only. */
export function readOnlyGuard(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      c.header('Allow', 'GET, HEAD');
      return c.json(
        refusal(
          `${c.req.method} is not accepted: the runmeta ui server only reads`,
          'Use GET; to change runs, use the SDK or the runmeta CLI',
        ),
        405,
      );
    }
    await next();
  };
}
