// CORS with an allow-list (CORS_ORIGINS) and credentials, for browser apps
// on other origins. Preflights from other origins get no CORS headers, and in
// cookie mode their requests are refused outright: ambient cookies must never
// act for a page we did not list.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import { isHttpsOrLoopback } from '../net/loopback';
import { sendError } from './graphql-handler';

const ALLOWED_HEADERS = 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name';

/** Another endpoint's methods, and its own way of answering a refused origin (the REST endpoints' error shape). */
export interface CorsOptions {
  methods?: string;
  refuse?: (res: ServerResponse) => void;
}

/** Returns true when the request has been fully answered (preflight or refusal). */
export function applyCors(config: Config, req: IncomingMessage, res: ServerResponse, opts: CorsOptions = {}): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  const allowed = config.corsOrigins.includes(origin) || isSameOrigin(config, req, origin);
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    if (allowed) {
      res.setHeader('access-control-allow-methods', opts.methods ?? 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      res.setHeader('access-control-max-age', '600');
    }
    res.writeHead(allowed ? 204 : 403).end();
    return true;
  }
  if (!allowed && config.cookie.enabled) {
    if (opts.refuse) opts.refuse(res);
    else sendError(res, 403, 'FORBIDDEN', 'Origin not allowed.');
    return true;
  }
  return false;
}

/**
 * Our own origin, as the Host header names it. In production an http:// one
 * counts only on loopback: a clear-text page on our host name can be forged
 * by anyone on the network, and must not ride the cookies.
 */
function isSameOrigin(config: Config, req: IncomingMessage, origin: string): boolean {
  const host = req.headers.host;
  if (host === undefined) return false;
  if (origin === `https://${host}`) return true;
  return origin === `http://${host}` && (!config.isProduction || isHttpsOrLoopback(origin));
}
