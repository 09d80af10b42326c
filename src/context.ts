// Per-request context: a fresh EntityManager fork, the caller's auth state,
// client metadata and the app's services. The viewer is loaded lazily and
// at most once per request.
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { IncomingMessage } from 'node:http';
import type { Services } from './services';
import { loadViewer, readAuthorization, type AuthState } from './auth/viewer';
import type { User } from './entities';
import { unauthenticated, type AuthFailureReason } from './errors';
import type { ClientMeta } from './auth/sessions';
import { parseCookies } from './http/cookies';

export interface Context {
  em: SqlEntityManager;
  services: Services;
  auth: AuthState;
  client: ClientMeta;
  /** Request cookies; only read in cookie mode (JWT_COOKIE=true). */
  cookies: Record<string, string>;
  /** Set-Cookie values the HTTP layer adds to the response. */
  responseCookies: string[];
  /**
   * Set when this request itself signed someone in (login, register,
   * refresh): that user may see their own private fields in the answer.
   */
  signedIn: User | null;
  /** The signed-in user, or null for anonymous and failed authentication. */
  viewer(): Promise<User | null>;
  /** The signed-in user, or UNAUTHENTICATED with the reason. */
  requireViewer(): Promise<User>;
}

export function createContext(services: Services, req: IncomingMessage, clientIp: string | null): Context {
  const { config, jwt } = services;
  const cookies = config.cookie.enabled ? parseCookies(req.headers.cookie) : {};
  // The header wins; the access cookie is the fallback for browser apps.
  const cookieToken = cookies[config.cookie.accessName];
  const header = req.headers.authorization ?? (cookieToken ? `${config.jwt.authHeaderPrefix} ${cookieToken}` : undefined);
  const auth = readAuthorization(header, config.jwt.authHeaderPrefix, jwt);
  const em = services.orm.em.fork() as SqlEntityManager;
  let loaded: Promise<{ user: User } | { reason: AuthFailureReason }> | undefined;
  const resolve = () => {
    if (auth.kind === 'anonymous') return Promise.resolve({ reason: 'MISSING_TOKEN' as const });
    if (auth.kind === 'failed') return Promise.resolve({ reason: auth.reason });
    loaded ??= loadViewer(em, auth.claims);
    return loaded;
  };
  return {
    em,
    services,
    auth,
    client: { ip: clientIp, userAgent: req.headers['user-agent'] ?? null },
    cookies,
    responseCookies: [],
    signedIn: null,
    async viewer() {
      if (this.signedIn) return this.signedIn;
      const r = await resolve();
      return 'user' in r ? r.user : null;
    },
    async requireViewer() {
      const r = await resolve();
      if ('user' in r) return r.user;
      throw unauthenticated(r.reason);
    },
  };
}
