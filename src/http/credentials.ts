// The one credential transport. In: a request's credentials, read once —
// `Authorization: <prefix> <token>` (the configured prefix, JWT by default,
// or Bearer) or, in cookie mode, the access cookie (the header wins), and the
// refresh cookie. Out: what the GraphQL layer recorded (credentials issued or
// cleared) becomes Set-Cookie here and only here, in cookie mode.
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/types';
import { parseCookies, serializeCookie } from './cookies';
import { GRAPHQL_PATH } from './paths';

export interface Credentials {
  accessToken?: string;
  /** Cookie mode only: the refresh cookie, the fallback when an operation is given no refresh token. */
  refreshToken?: string;
  /** Why the Authorization header could not be read (a scheme we do not take, a bare token). */
  problem?: string;
}

/** Credentials a response hands out or takes back, in the order the operations ran. */
export type CredentialChange = { kind: 'issued'; accessToken: string; refreshToken: string | null; sessionEnd: Date } | { kind: 'cleared' };

type TransportConfig = Pick<Config, 'cookie'> & { jwt: Pick<Config['jwt'], 'authHeaderPrefix' | 'expirationDelta'> };

export function readCredentials(req: IncomingMessage, config: TransportConfig): Credentials {
  const cookies = config.cookie.enabled ? parseCookies(req.headers.cookie) : {};
  const refreshToken = cookies[config.cookie.refreshName] || undefined;
  const header = req.headers.authorization;
  if (header === undefined) return { accessToken: cookies[config.cookie.accessName] || undefined, refreshToken };
  if (header === '') return { refreshToken };
  const prefixes = acceptedPrefixes(config.jwt.authHeaderPrefix);
  const m = /^(\S+) +(\S+)$/.exec(header.trim());
  if (!m || !prefixes.some((p) => p.toLowerCase() === m[1].toLowerCase())) {
    // `Token …` (DRF's TokenAuthentication) or a bare token: say what works instead of a bare TOKEN_INVALID.
    return { refreshToken, problem: `The Authorization header must be ${prefixes.map((p) => `"${p} <token>"`).join(' or ')}.` };
  }
  return { accessToken: m[2], refreshToken };
}

/** The Authorization prefixes taken: the configured one, JWT and Bearer, each once (compared ignoring case). */
export const acceptedPrefixes = (configured: string): string[] =>
  [configured, 'JWT', 'Bearer'].filter((p, i, all) => all.findIndex((q) => q.toLowerCase() === p.toLowerCase()) === i);

/** The Set-Cookie values for a response's credential changes; none outside cookie mode. */
export function credentialCookies(changes: readonly CredentialChange[], config: TransportConfig): string[] {
  const { cookie } = config;
  if (!cookie.enabled) return [];
  return changes.flatMap((change) => {
    if (change.kind === 'cleared') {
      return [
        serializeCookie(cookie, cookie.accessName, '', { maxAge: 0, path: '/' }),
        serializeCookie(cookie, cookie.refreshName, '', { maxAge: 0, path: GRAPHQL_PATH }),
      ];
    }
    const access = serializeCookie(cookie, cookie.accessName, change.accessToken, { maxAge: config.jwt.expirationDelta, path: '/' });
    if (!change.refreshToken) return [access];
    const maxAge = Math.max(0, Math.floor((change.sessionEnd.getTime() - Date.now()) / 1000));
    // Path-scoped: the refresh token is only ever sent to the GraphQL endpoint.
    return [access, serializeCookie(cookie, cookie.refreshName, change.refreshToken, { maxAge, path: GRAPHQL_PATH })];
  });
}
