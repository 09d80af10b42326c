// JWT_ISSUER with asymmetric keys: other services take it as the trusted
// origin of authql's keys (<issuer>/.well-known/openid-configuration), so it
// is required, a plain URL, and https in production; loadConfig reports these
// with its other problems. HS* tokens are checked by no one else: unchanged.

import { isHttpsOrLoopback } from '../net/loopback';
import type { Config } from './types';

export function issuerProblems(jwt: Config['jwt'], isProduction: boolean): string[] {
  const { algorithm, issuer } = jwt;
  if (algorithm.startsWith('HS')) return [];
  if (issuer === undefined) {
    return [
      `JWT_ISSUER is required with JWT_ALGORITHM=${algorithm}: set it to the public URL of authql, e.g. https://auth.example.com (it becomes iss, and other services read the keys from <JWT_ISSUER>/.well-known/openid-configuration)`,
    ];
  }
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    /* reported below */
  }
  // OIDC Discovery §3: no query or fragment; credentials in it would be published to everyone.
  if (
    !url ||
    !['http:', 'https:'].includes(url.protocol) ||
    url.search ||
    url.hash ||
    issuer.includes('?') ||
    issuer.includes('#') ||
    url.username ||
    url.password
  ) {
    return [`JWT_ISSUER must be an http(s) URL without query, fragment or credentials, the public URL of authql (got "${issuer}")`];
  }
  if (isProduction && !isHttpsOrLoopback(issuer)) return [`JWT_ISSUER must be https in production, except localhost, 127.0.0.1 and [::1] (got "${issuer}")`];
  return [];
}
