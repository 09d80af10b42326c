// Access tokens: short-lived JWTs. jsonwebtoken signs them (and verifies RS*
// and ES*); HMAC and EdDSA tokens are verified by jws.ts. The algorithm is pinned on verify, `exp`
// is required, a `typ` claim keeps any other kind of token from passing as an
// access token, and so is `sid`: a token outside a session could not be
// revoked. Keys are built once as KeyObjects (keys.ts): jsonwebtoken given a
// string secret tries to parse it as PEM on every verify (~50× slower).
import { createHmac, type KeyObject, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Config } from '../config';
import { AppError } from '../errors';
import { HMAC_HASHES, JwsError, signEdDSA, verifyEdDSA, verifyHmac } from './jws';
import { loadSigningKeys, type SigningKeys } from './keys';

export const ACCESS_TOKEN_TYPE = 'access';
/** JOSE header `typ` (RFC 9068); `JWT` is what tokens signed before it say, accepted so an upgrade signs nobody out. */
export const ACCESS_TOKEN_MEDIA_TYPE = 'at+jwt';
const ACCEPTED_MEDIA_TYPES: unknown[] = [ACCESS_TOKEN_MEDIA_TYPE, 'JWT'];

export interface AccessClaims {
  sub: string;
  username: string;
  iat: number;
  exp: number;
  orig_iat: number;
  jti: string;
  typ: typeof ACCESS_TOKEN_TYPE;
  /** Session (refresh-token family) the token was issued in; required, so every token can be revoked with its session. */
  sid: string;
  /** User's token version when issued; a bump kills the token. */
  ver: number;
  /**
   * RFC 8176 methods the session's sign-in proved (`pwd`, `otp`, `mfa`, …),
   * and when (OIDC `auth_time`). Absent from tokens signed before second
   * factors existed: read as no methods, and orig_iat.
   */
  amr?: string[];
  auth_time?: number;
}

export interface SignInput {
  userId: number;
  username: string;
  tokenVersion: number;
  origIat: number;
  sessionId: string;
  amr: readonly string[];
  authTime: number;
}

export type TokenFailure = 'TOKEN_EXPIRED' | 'TOKEN_INVALID';

export class JwtService {
  readonly keys: SigningKeys;
  /** Derived key for server-side HMACs (refresh-token successors, one-time token bindings); each use adds its own label. */
  readonly hmacKey: Buffer;

  constructor(private readonly cfg: Config['jwt']) {
    this.keys = loadSigningKeys(cfg);
    this.hmacKey = createHmac('sha256', cfg.secretKey).update('authql server hmac key v1').digest();
  }

  sign(input: SignInput, now = nowSeconds()): { token: string; payload: AccessClaims } {
    const payload: AccessClaims = {
      sub: String(input.userId),
      username: input.username,
      iat: now,
      exp: now + this.cfg.expirationDelta,
      orig_iat: input.origIat,
      jti: randomBytes(12).toString('base64url'),
      typ: ACCESS_TOKEN_TYPE,
      ver: input.tokenVersion,
      sid: input.sessionId,
      amr: [...input.amr],
      auth_time: input.authTime,
    };
    const claims = { ...payload, ...(this.cfg.issuer ? { iss: this.cfg.issuer } : {}), ...(this.cfg.audience ? { aud: this.cfg.audience } : {}) };
    const { algorithm, kid, signKey } = this.keys;
    const token =
      algorithm === 'EdDSA'
        ? signEdDSA(claims, signKey, { kid: kid ?? '', typ: ACCESS_TOKEN_MEDIA_TYPE })
        : jwt.sign(claims, signKey, { algorithm, header: { alg: algorithm, typ: ACCESS_TOKEN_MEDIA_TYPE }, ...(kid ? { keyid: kid } : {}) });
    return { token, payload };
  }

  /** Verifies signature, algorithm, key id, expiry, issuer/audience and claim shapes. */
  verify(token: string): { ok: true; claims: AccessClaims } | { ok: false; reason: TokenFailure } {
    const key = this.keyFor(token);
    if (!key) return { ok: false, reason: 'TOKEN_INVALID' };
    const rules = { issuer: this.cfg.issuer, audience: this.cfg.audience, leeway: this.cfg.leeway };
    const { algorithm } = this.keys;
    let decoded: unknown;
    try {
      if (algorithm === 'EdDSA') decoded = verifyEdDSA(token, key, rules);
      else if (algorithm in HMAC_HASHES) decoded = verifyHmac(token, key, HMAC_HASHES[algorithm as keyof typeof HMAC_HASHES], rules);
      else decoded = jwt.verify(token, key, { algorithms: [algorithm], issuer: rules.issuer, audience: rules.audience, clockTolerance: rules.leeway });
    } catch (err) {
      const expired = err instanceof jwt.TokenExpiredError || (err instanceof JwsError && err.expired);
      return { ok: false, reason: expired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' };
    }
    // jsonwebtoken checks `nbf` but not an `iat` in the future; we refuse both.
    if (!isAccessClaims(decoded) || decoded.iat > nowSeconds() + this.cfg.leeway) return { ok: false, reason: 'TOKEN_INVALID' };
    return { ok: true, claims: decoded };
  }

  verifyOrThrow(token: string): AccessClaims {
    const result = this.verify(token);
    if (!result.ok) throw new AppError(result.reason);
    return result.claims;
  }

  /**
   * The configured key the token names, if any. The header must say exactly
   * our algorithm and type; `kid` only selects among configured keys (jku, x5u, jwk
   * are never looked at).
   */
  private keyFor(token: string): KeyObject | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 8192) return undefined;
    let header: { alg?: unknown; kid?: unknown; typ?: unknown };
    try {
      header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!header || header.alg !== this.keys.algorithm || !ACCEPTED_MEDIA_TYPES.includes(header.typ)) return undefined;
    if (this.keys.symmetric) return this.keys.verifyKeys.get('');
    return typeof header.kid === 'string' ? this.keys.verifyKeys.get(header.kid) : undefined;
  }
}

function isAccessClaims(v: unknown): v is AccessClaims {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return (
    c.typ === ACCESS_TOKEN_TYPE &&
    typeof c.sub === 'string' &&
    /^\d{1,15}$/.test(c.sub) &&
    typeof c.username === 'string' &&
    Number.isInteger(c.exp) &&
    Number.isInteger(c.iat) &&
    Number.isInteger(c.orig_iat) &&
    Number.isInteger(c.ver) &&
    typeof c.jti === 'string' &&
    typeof c.sid === 'string' &&
    c.sid !== '' &&
    (c.amr === undefined || (Array.isArray(c.amr) && c.amr.every((m) => typeof m === 'string'))) &&
    (c.auth_time === undefined || Number.isInteger(c.auth_time))
  );
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
