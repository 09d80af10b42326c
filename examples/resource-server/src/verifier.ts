// Checks authql's access tokens with jose, as any service of yours can:
// authql's discovery document names its keys and algorithm, the keys come
// from its JWK Set (refetched when a token names a key not seen yet, at most
// once per cooldown), and jwtVerify pins the issuer, audience, algorithms,
// the RFC 9068 token type and the claims we rely on.
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

export interface VerifierOptions {
  /** authql's JWT_ISSUER, exactly. */
  issuer: string;
  /** authql's JWT_AUDIENCE, when it sets one. */
  audience?: string;
  /** Least time between two JWK Set fetches for unknown key ids (jose's default: 30 s). */
  cooldownMs: number;
}

export interface Caller {
  sub: string;
  username: string;
}

/** The token is at fault: answer 401. `code` is jose's (ERR_JWT_EXPIRED, ERR_JWKS_NO_MATCHING_KEY, …). */
export class TokenRejected extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** authql (its discovery document or keys) could not be reached: nothing is known about the token, answer 503. */
export class IssuerUnavailable extends Error {}

// authql's public-key algorithms. Its HS* keys are secret, so those tokens are never ours to check.
const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];
// jose's codes that say "this token is not acceptable"; anything else (a fetch that failed, a bad JWK Set) is ours.
const REJECTIONS = new Set([
  'ERR_JWT_EXPIRED', 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'ERR_JWT_INVALID', 'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED',
]);

export function createVerifier(opts: VerifierOptions) {
  let setup: ReturnType<typeof discover> | undefined;
  // Discovered once; a failure is forgotten, so the next request tries again (authql may start after us).
  const ready = () => (setup ??= discover(opts).catch((err: unknown) => {
    setup = undefined;
    throw new IssuerUnavailable(err instanceof Error ? err.message : String(err));
  }));

  async function verify(token: string): Promise<Caller> {
    const { keys, algorithms } = await ready();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.username !== 'string') throw new TokenRejected('ERR_JWT_INVALID', 'sub and username must be strings');
      return { sub: payload.sub, username: payload.username };
    } catch (err) {
      if (err instanceof TokenRejected) throw err;
      if (err instanceof errors.JOSEError && REJECTIONS.has(err.code)) throw new TokenRejected(err.code, err.message);
      throw new IssuerUnavailable(err instanceof Error ? err.message : String(err));
    }
  }

  return { ready, verify };
}

async function discover(opts: VerifierOptions) {
  const url = `${opts.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) }).catch((err: Error & { cause?: { code?: string; message?: string } }) => {
    throw new Error(`cannot reach ${url} (${err.cause?.code ?? err.cause?.message ?? err.message})`);
  });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status} (is JWT_ALGORITHM RS256, ES256 or EdDSA?)`);
  const meta = (await res.json()) as Record<string, unknown>;
  // OIDC Discovery §4.3: the document must name exactly the issuer we asked, or it speaks for someone else.
  if (meta.issuer !== opts.issuer) throw new Error(`${url} names issuer ${JSON.stringify(meta.issuer)}, not ${opts.issuer}`);
  if (typeof meta.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
  const offered = Array.isArray(meta.id_token_signing_alg_values_supported) ? meta.id_token_signing_alg_values_supported : [];
  const algorithms = offered.filter((a): a is string => typeof a === 'string' && ASYMMETRIC.includes(a));
  if (algorithms.length === 0) throw new Error(`${url} offers no public-key algorithm`);
  return { keys: createRemoteJWKSet(new URL(meta.jwks_uri), { cooldownDuration: opts.cooldownMs }), algorithms };
}
