// What a compat view gets and gives: one request (its body already parsed,
// the caller resolvable on demand) in, one DRF answer out. A view is an
// adapter, as a resolver is: fields → one service call → the library's shape.
import type { User } from '../../entities';
import type { Context } from '../../graphql/context';
import type { Services } from '../../services';
import type { Answer } from './answers';
import type { ErrorStyle } from './errors';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

export interface CompatRequest {
  readonly method: Method;
  readonly services: Services;
  /** The request context every GraphQL operation gets too (EntityManager fork, client, viewer). */
  readonly ctx: Context;
  /** The parsed body ({} without one). */
  readonly data: unknown;
  readonly query: URLSearchParams;
  /** Path parameters (`pk`). */
  readonly params: Readonly<Record<string, string>>;
  /** Absolute URL of the compat root (scheme, host, prefix; no trailing slash), for DRF's hyperlinks. */
  readonly base: string;
  /** The route's path as matched, with its trailing slash and without the prefix. */
  readonly path: string;
  /** The signed-in user, or DRF's 401 (IsAuthenticated views). */
  requireUser(): Promise<User>;
  /** The signed-in user; null when anonymous or the token does not hold (AllowAny views). */
  optionalUser(): Promise<User | null>;
}

export type View = (r: CompatRequest) => Promise<Answer>;

export interface Route {
  /** The metrics and log label is `django:<name>`. */
  name: string;
  /** Exact paths, each with its trailing slash; a request may leave the slash off. */
  paths?: readonly string[];
  /** Or a path pattern with named groups (`/users/(?<pk>…)/`). */
  pattern?: RegExp;
  views: Partial<Record<Method, View>>;
  errors?: ErrorStyle;
}
