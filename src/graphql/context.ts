// Per-request context: a fresh EntityManager fork, the caller's auth state,
// client metadata and the app's services. The viewer is loaded lazily and
// at most once per request.

import type { IncomingMessage } from 'node:http';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { scopedFork } from '../db/entity-manager';
import type { User } from '../entities';
import { type AuthFailureReason, unauthenticated } from '../errors';
import type { CredentialChange, Credentials } from '../http/credentials';
import type { Services } from '../services';
import { type AuthState, accessState, loadViewer } from '../sessions/access';
import type { ClientMeta } from '../sessions/sessions';

export interface Context {
  /** The request's own EntityManager, forked on first use: what loads managed entities and writes. */
  em: SqlEntityManager;
  /**
   * The EntityManager for reads that put nothing in a unit of work (the
   * viewer's statement, a users page's plain rows): for a query
   * (RequestState.readOnly) the root one, so a query never forks; `em`
   * otherwise, so a mutation's reads see its own transaction.
   */
  reader: SqlEntityManager;
  services: Services;
  auth: AuthState;
  client: ClientMeta;
  /** What the request presented (http/credentials.ts): the access token, the refresh cookie. */
  credentials: Credentials;
  /**
   * What the request learns while it runs. A nested object on purpose:
   * Apollo shallow-copies the context, and this must be shared with the
   * HTTP layer that logs and answers after execution.
   */
  request: RequestState;
  /** The viewer's id if it has been loaded during this request (for logs). */
  viewerId(): number | null;
  /** The signed-in user, or null for anonymous and failed authentication. */
  viewer(): Promise<User | null>;
  /**
   * What viewer() would answer, when that is already known (signed in by this
   * request, or looked up already); undefined before the lookup. Lets a field
   * resolved once per row of a page answer without a promise per row.
   */
  knownViewer(): User | null | undefined;
  /** The signed-in user, or UNAUTHENTICATED with the reason. */
  requireViewer(): Promise<User>;
}

export interface RequestState {
  /** Credentials issued or cleared, in order: the HTTP layer turns them into Set-Cookie (cookie mode). */
  credentialChanges: CredentialChange[];
  /**
   * Set when this request itself signed someone in (login, register,
   * refresh): that user may see their own private fields in the answer.
   */
  signedIn: User | null;
  /** `query:users`-style label of the operation, once Apollo resolved it (logs, metrics). */
  operation?: string;
  /**
   * Set with `operation` when it is a query: nothing the request does is
   * written back, so the viewer is read as a plain object, not a managed
   * entity (sessions/access.ts, loadViewer).
   */
  readOnly?: boolean;
}

/**
 * The request's EntityManager, forked on first use (verifyToken, for one,
 * never needs a unit of work). A fork is an EntityManager, a unit of work and
 * their maps, alive through every await of the request: on PostgreSQL, where
 * a page waits on the network with dozens of others in flight, not forking
 * for a query's reads cut a tenth of its CPU (README, Performance).
 */
class LazyFork {
  private forked: SqlEntityManager | undefined;
  constructor(
    private readonly services: Services,
    /** Whom the request's writes name as the client (its audit rows). */
    private readonly client: ClientMeta,
  ) {}
  get em(): SqlEntityManager {
    this.forked ??= scopedFork(this.services.orm.em, this.client);
    return this.forked;
  }
  reader(readOnly: boolean): SqlEntityManager {
    return readOnly ? (this.services.orm.em as SqlEntityManager) : this.em;
  }
}

/**
 * Every context's prototype, one object for all: its `em` and `reader`
 * getters read the context's LazyFork. A getter on the prototype because Apollo shallow-copies
 * the context with the prototype kept (an own getter would be read, and so
 * forked, at copy time) and the copy shares the LazyFork. One prototype, not
 * one per request: a fresh prototype gave every context its own hidden class,
 * and cost as much as the rest of building it (README, Performance).
 */
const WITH_LAZY_EM = {
  get em(): SqlEntityManager {
    return (this as unknown as { lazy: LazyFork }).lazy.em;
  },
  get reader(): SqlEntityManager {
    const self = this as unknown as { lazy: LazyFork; request: RequestState };
    return self.lazy.reader(self.request.readOnly === true);
  },
};

export function createContext(services: Services, req: IncomingMessage, clientIp: string | null, credentials: Credentials): Context {
  const auth: AuthState = credentials.problem
    ? { kind: 'failed', reason: 'TOKEN_INVALID', message: credentials.problem }
    : accessState(credentials.accessToken, services.jwt);
  const client: ClientMeta = { ip: clientIp, userAgent: req.headers['user-agent'] ?? null };
  const lazy = new LazyFork(services, client);
  const request: RequestState = { credentialChanges: [], signedIn: null };
  let loaded: Promise<{ user: User } | { reason: AuthFailureReason }> | undefined;
  let loadedUser: User | null = null;
  let settled = auth.kind !== 'token';
  const resolve = () => {
    if (auth.kind === 'anonymous') return Promise.resolve({ reason: 'MISSING_TOKEN' as const });
    if (auth.kind === 'failed') return Promise.resolve({ reason: auth.reason });
    loaded ??= loadViewer(lazy.reader(request.readOnly === true), auth.claims, { managed: request.readOnly !== true }).then((r) => {
      if ('user' in r) loadedUser = r.user;
      settled = true;
      return r;
    });
    return loaded;
  };
  const ctx: Omit<Context, 'em' | 'reader'> = {
    services,
    auth,
    client,
    credentials,
    request,
    viewerId() {
      return (this.request.signedIn ?? loadedUser)?.id ?? null;
    },
    async viewer() {
      if (this.request.signedIn) return this.request.signedIn;
      const r = await resolve();
      return 'user' in r ? r.user : null;
    },
    knownViewer() {
      if (this.request.signedIn) return this.request.signedIn;
      return settled ? loadedUser : undefined;
    },
    async requireViewer() {
      const r = await resolve();
      if ('user' in r) return r.user;
      throw unauthenticated(r.reason, auth.kind === 'failed' ? auth.message : undefined);
    },
  };
  return Object.assign(Object.create(WITH_LAZY_EM) as Context, ctx, { lazy });
}
