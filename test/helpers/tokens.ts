// Hand-made JWTs for hostile-input tests: signed with the test secret, with
// another secret, or not at all.
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
