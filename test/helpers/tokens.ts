// Hand-made JWTs for hostile-input tests: signed with the test secret, with
// another secret, with a private key of the test's (any header), or not at all.
import { sign } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TEST_SECRET } from './server';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function decodePayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

export function unsignedToken(payload: Record<string, unknown>, alg = 'none'): string {
  return `${b64({ alg, typ: 'JWT' })}.${b64(payload)}.`;
}

export function signWith(payload: Record<string, unknown>, secret = TEST_SECRET, options: jwt.SignOptions = {}): string {
  // A JSON round trip drops keys set to undefined (how tests remove a claim).
  return jwt.sign(JSON.parse(JSON.stringify(payload)), secret, { algorithm: 'HS256', ...options });
}

/** Same header and signature, payload swapped: the signature no longer matches. */
export function tamper(token: string, change: Record<string, unknown>): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64({ ...decodePayload(token), ...change })}.${s}`;
}

/** A compact JWS with exactly this header, signed with a PEM private key (RS256, ES256 or EdDSA, from header.alg). */
export function signJws(header: { alg: 'RS256' | 'ES256' | 'EdDSA' } & Record<string, unknown>, payload: Record<string, unknown>, privateKey: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const key = { key: privateKey, dsaEncoding: 'ieee-p1363' as const }; // JWS wants ECDSA's r||s, not DER
  return `${input}.${sign(header.alg === 'EdDSA' ? null : 'sha256', Buffer.from(input), key).toString('base64url')}`;
}
