// EdDSA (Ed25519) compact JWS, which jsonwebtoken 9 does not implement:
// node:crypto signs and verifies; the claim checks mirror jsonwebtoken's
// (exp, nbf, iss, aud with leeway) so both paths behave the same.
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

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

/** Verifies signature and standard claims; throws JwsError. The header was already checked by the caller. */
export function verifyEdDSA(token: string, key: KeyObject, rules: ClaimRules): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwsError(false);
  const ok = cryptoVerify(null, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
  if (!ok) throw new JwsError(false);
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new JwsError(false);
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp === 'number' && now >= claims.exp + rules.leeway) throw new JwsError(true);
  if (typeof claims.nbf === 'number' && now < claims.nbf - rules.leeway) throw new JwsError(false);
  if (rules.issuer !== undefined && claims.iss !== rules.issuer) throw new JwsError(false);
  if (rules.audience !== undefined) {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(rules.audience)) throw new JwsError(false);
  }
  return claims;
}
