// The OpenID Connect discovery document for services that validate authql's
// access tokens. authql is an issuer of tokens, not an OAuth/OIDC provider:
// there is no authorization, token or userinfo endpoint, so those fields (and
// response_types_supported, which only describes them) are left out rather
// than invented. Everything is built from JWT_ISSUER, never from the request:
// a spoofed Host would otherwise reach every cache in front of us.
import type { Config } from '../config';

export interface DiscoveryDocument {
  issuer: string;
  jwks_uri: string;
  subject_types_supported: ['public'];
  /** There are no ID tokens: libraries read this as the allowed algorithms of the access tokens (as for Kubernetes' service-account issuer). */
  id_token_signing_alg_values_supported: [string];
}

/** The document, or null when the keys are symmetric (nothing public to verify with). */
export function discoveryDocument(jwt: Config['jwt']): DiscoveryDocument | null {
  if (jwt.algorithm.startsWith('HS') || !jwt.issuer) return null;
  return {
    // Verbatim: it must equal the tokens' iss byte for byte (OIDC Discovery §4.3).
    issuer: jwt.issuer,
    jwks_uri: `${jwt.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
    // `sub` is the user's id, the same for every service that reads it.
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [jwt.algorithm],
  };
}
