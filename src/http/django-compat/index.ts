// The Django REST surface (DJANGO_COMPAT=true): the paths, bodies, status
// codes and texts of djangorestframework-jwt, rest-auth and DRF, for apps
// already in users' pockets. A thin edge like the GraphQL one: each view
// reads its fields and calls the service its GraphQL twin calls, so every
// rule (throttles, password rules, app-binding checks, second factors, the
// sign-in pipeline's hooks) holds here unchanged. Paths take the trailing
// slash or not; bodies are JSON, or forms outside cookie mode.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Context, createContext } from '../../graphql/context';
import type { Services } from '../../services';
import { applyCors } from '../cors';
import { acceptedPrefixes } from '../credentials';
import { BodyTooLargeError } from '../graphql-handler';
import { type Answer, type DrfError, detailError, TEXT } from './answers';
import { readAuthorization, requireUser } from './auth';
import { readData } from './body';
import { toDrfError } from './errors';
import { jwtRoutes } from './jwt-views';
import { passwordRoutes } from './password-views';
import { registrationRoutes } from './registration-views';
import { restAuthRoutes } from './rest-auth-views';
import type { CompatRequest, Method, Route } from './route';
import { socialRoutes } from './social-views';
import { userRoutes } from './users-views';

/** What the HTTP server keeps for its log line and metrics. */
export interface CompatState {
  ctx?: Context;
  operation?: string;
}

/** Answers a compat path and returns true; false for any other path. */
export type CompatHandler = (req: IncomingMessage, res: ServerResponse, path: string, state: CompatState) => Promise<boolean>;

interface Match {
  route: Route;
  path: string;
  params: Record<string, string>;
}

const HOST_RE = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

export function createDjangoCompat(services: Services): CompatHandler | null {
  const { config, logger } = services;
  const { enabled, prefix, publicUrl } = config.djangoCompat;
  if (!enabled) return null;
  const match = routeTable([...jwtRoutes, ...restAuthRoutes, ...passwordRoutes, ...registrationRoutes, ...socialRoutes(), ...userRoutes]);
  const www = `${config.jwt.authHeaderPrefix} realm="api"`;
  const prefixes = acceptedPrefixes(config.jwt.authHeaderPrefix);
  const bodyRules = { maxBytes: config.graphql.maxBodyBytes, forms: !config.cookie.enabled };
  // DRF builds its links from the request; behind a proxy (and always in production) from the configured public URL.
  const baseOf = (req: IncomingMessage) => (publicUrl ?? `http://${HOST_RE.test(req.headers.host ?? '') ? req.headers.host : 'localhost'}`) + prefix;

  const serve = async (req: IncomingMessage, found: Match, state: CompatState): Promise<Answer> => {
    const method = (req.method === 'HEAD' ? 'GET' : req.method) as Method;
    const view = found.route.views[method];
    if (req.method === 'OPTIONS') return { status: 200, body: {} };
    if (!view) throw detailError(405, TEXT.methodNotAllowed(req.method ?? ''), 'BAD_REQUEST');
    // Two Authorization headers are ambiguous (which one did a proxy check?), as on /graphql.
    if ((req.headersDistinct.authorization?.length ?? 0) > 1) throw detailError(400, 'Send one Authorization header.', 'BAD_REQUEST');
    const data = method === 'GET' ? {} : await readData(req, bodyRules);
    const credentials = readAuthorization(req.headers.authorization, prefixes);
    // Header only: the cookies of cookie mode never authenticate these endpoints.
    const ctx = createContext(services, req, services.clientIp(req), credentials.kind === 'token' ? { accessToken: credentials.token } : {});
    state.ctx = ctx;
    const request: CompatRequest = {
      method,
      services,
      ctx,
      data,
      query: new URL(req.url ?? '/', 'http://localhost').searchParams,
      params: found.params,
      base: baseOf(req),
      path: found.path,
      requireUser: () => requireUser(ctx, credentials, www),
      optionalUser: () => (credentials.kind === 'token' ? ctx.viewer() : Promise.resolve(null)),
    };
    return view(request);
  };

  return async (req, res, path, state) => {
    if (prefix && path !== prefix && !path.startsWith(`${prefix}/`)) return false;
    const found = match(path.slice(prefix.length) || '/');
    if (!found) return false;
    state.operation = `django:${found.route.name}`;
    const allow = [...Object.keys(found.route.views), 'OPTIONS'].join(', ');
    const refuse = (r: ServerResponse) => send(r, answerOf(detailError(403, 'Origin not allowed.', 'FORBIDDEN')), allow);
    if (applyCors(config, req, res, { methods: allow, refuse })) return true;
    let answer: Answer;
    try {
      answer = await serve(req, found, state);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        answer = { status: 413, body: { detail: 'The request body is too large.', code: 'BAD_REQUEST' }, headers: { connection: 'close' } };
      } else {
        const drf = toDrfError(err, found.route.errors ?? {}, www);
        if (!drf) logger.error({ err, route: found.route.name }, 'django compat view failed');
        answer = drf ? answerOf(drf) : { status: 500, body: { detail: 'A server error occurred.', code: 'INTERNAL_SERVER_ERROR' } };
      }
    }
    send(res, answer, allow);
    return true;
  };
}

const answerOf = (err: DrfError): Answer => ({ status: err.status, body: err.body, headers: err.headers });

function send(res: ServerResponse, answer: Answer, allow: string): void {
  const text = JSON.stringify(answer.body);
  const vary = res.getHeader('vary');
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    // Tokens and private fields: no cache anywhere may keep an answer.
    'cache-control': 'no-store',
    vary: vary ? `${vary}, Accept` : 'Accept',
    allow,
    ...answer.headers,
  });
  res.end(text);
}

/** Exact paths first, then patterns; a path without its trailing slash matches too. */
function routeTable(routes: readonly Route[]): (path: string) => Match | null {
  const exact = new Map<string, Route>();
  for (const route of routes) {
    for (const p of route.paths ?? []) {
      if (exact.has(p)) throw new Error(`two compat routes for ${p}`);
      exact.set(p, route);
    }
  }
  const patterns = routes.filter((r) => r.pattern);
  return (raw) => {
    const path = raw.endsWith('/') ? raw : `${raw}/`;
    const route = exact.get(path);
    if (route) return { route, path, params: {} };
    for (const r of patterns) {
      const m = r.pattern?.exec(path);
      if (m) return { route: r, path, params: { ...m.groups } };
    }
    return null;
  };
}
