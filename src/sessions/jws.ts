// Compact JWS over node:crypto for the algorithms authql verifies itself:
// EdDSA (Ed25519), which jsonwebtoken 9 does not implement, and the HMAC
// ones (HS256/384/512), which it does but at several times the cost on the
// path every API call takes (it decodes the token twice and re-encodes the
// signature; README, Performance). The claim checks mirror jsonwebtoken's
// (exp, nbf, iss, aud with leeway), so every algorithm behaves the same; RS*
// and ES* stay with jsonwebtoken. The header (alg, typ, kid) is checked by
// the caller (jwt.ts keyFor) before a key is chosen.
import { createHmac, sign as cryptoSign, verify as cryptoVerify, type KeyObject, timingSafeEqual } from 'node:crypto';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signEdDSA(payload: object, key: KeyObject, header: Record<string, string>): string {
  const input = `${b64({ alg: 'EdDSA', typ: 'JWT', ...header })}.${b64(payload)}`;
  return `${input}.${cryptoSign(null, Buffer.from(input), key).toString('base64url')}`;
}

export class JwsError extends Error {
  constructor(readonly expired: boolean) {
    super(expired ? 'jwt expired' : 'invalid token');
  }
}

export interface ClaimRules {
  issuer?: string;
  audience?: string;
  leeway: number;
}

export const HMAC_HASHES = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

/** Verifies signature and standard claims; throws JwsError. */
export function verifyEdDSA(token: string, key: KeyObject, rules: ClaimRules): Record<string, unknown> {
  const parts = threeParts(token);
  const ok = cryptoVerify(null, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
  if (!ok) throw new JwsError(false);
  return checkedClaims(parts[1], rules);
}

/**
 * Verifies an HMAC signature and the standard claims; throws JwsError. The
 * signature is compared as text, in constant time, as jsonwebtoken does: a
 * token whose signature only decodes to the right bytes (padding, stray
 * characters) is not the token that was issued.
 */
export function verifyHmac(token: string, key: KeyObject, hash: (typeof HMAC_HASHES)[keyof typeof HMAC_HASHES], rules: ClaimRules): Record<string, unknown> {
  const parts = threeParts(token);
  const expected = Buffer.from(createHmac(hash, key).update(`${parts[0]}.${parts[1]}`).digest('base64url'));
  const given = Buffer.from(parts[2]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new JwsError(false);
  return checkedClaims(parts[1], rules);
}

function threeParts(token: string): string[] {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwsError(false);
  return parts;
}

function checkedClaims(segment: string, rules: ClaimRules): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwsError(false);
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new JwsError(false);
  const c = claims as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  if (typeof c.exp === 'number' && now >= c.exp + rules.leeway) throw new JwsError(true);
  if (typeof c.nbf === 'number' && now < c.nbf - rules.leeway) throw new JwsError(false);
  if (rules.issuer !== undefined && c.iss !== rules.issuer) throw new JwsError(false);
  if (rules.audience !== undefined) {
    const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
    if (!aud.includes(rules.audience)) throw new JwsError(false);
  }
  return c;
}
