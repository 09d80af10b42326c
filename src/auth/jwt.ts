// Access tokens: short-lived JWTs. The algorithm is pinned on verify, `exp`
// is required, and a `typ` claim keeps any other kind of token from passing
// as an access token. The key is built once as a KeyObject: jsonwebtoken
// given a string secret tries to parse it as PEM on every verify (~50× slower).
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Config } from '../config';
import { AppError } from '../errors';

export const ACCESS_TOKEN_TYPE = 'access';

export interface AccessClaims {
  sub: string;
  username: string;
  iat: number;
  exp: number;
  orig_iat: number;
  jti: string;
  typ: typeof ACCESS_TOKEN_TYPE;
  /** Session (refresh-token family) the token was issued in. */
  sid?: string;
  /** User's token version when issued; a bump kills the token. */
  ver: number;
}

export interface SignInput {
  userId: number;
  username: string;
  tokenVersion: number;
  origIat: number;
  sessionId?: string;
}

export type TokenFailure = 'TOKEN_EXPIRED' | 'TOKEN_INVALID';

export class JwtService {
  private readonly key: KeyObject;
  /** Derived key for server-side HMACs (refresh-token successors, one-time token bindings); each use adds its own label. */
  readonly hmacKey: Buffer;

  constructor(private readonly cfg: Config['jwt']) {
    this.key = createSecretKey(Buffer.from(cfg.secretKey, 'utf8'));
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
      ...(input.sessionId ? { sid: input.sessionId } : {}),
    };
    const token = jwt.sign(payload, this.key, {
      algorithm: this.cfg.algorithm,
      ...(this.cfg.issuer ? { issuer: this.cfg.issuer } : {}),
      ...(this.cfg.audience ? { audience: this.cfg.audience } : {}),
    });
    return { token, payload };
  }

  /** Verifies signature, algorithm, expiry, issuer/audience and claim shapes. */
  verify(token: string): { ok: true; claims: AccessClaims } | { ok: false; reason: TokenFailure } {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.key, {
        algorithms: [this.cfg.algorithm],
        issuer: this.cfg.issuer,
        audience: this.cfg.audience,
        clockTolerance: this.cfg.leeway,
      });
    } catch (err) {
      return { ok: false, reason: err instanceof jwt.TokenExpiredError ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' };
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
}

function isAccessClaims(v: unknown): v is AccessClaims {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return (
    c.typ === ACCESS_TOKEN_TYPE &&
    typeof c.sub === 'string' && /^\d{1,15}$/.test(c.sub) &&
    typeof c.username === 'string' &&
    Number.isInteger(c.exp) && Number.isInteger(c.iat) && Number.isInteger(c.orig_iat) &&
    Number.isInteger(c.ver) && typeof c.jti === 'string' &&
    (c.sid === undefined || typeof c.sid === 'string')
  );
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
