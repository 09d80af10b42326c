// Opaque tokens in the form `id.secret` (Lucia's pattern): the id finds the
// row, only SHA-256 of the secret is stored, and the comparison is constant
// time. Both parts are 128+ random bits, so a fast hash is enough here.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface OpaqueToken {
  id: string;
  secret: string;
}

export const newTokenId = (): string => randomBytes(16).toString('base64url');

export function newOpaqueToken(): OpaqueToken {
  return { id: newTokenId(), secret: randomBytes(32).toString('base64url') };
}

export const formatToken = (t: OpaqueToken): string => `${t.id}.${t.secret}`;

/** Splits `id.secret`; null for anything that is not two base64url parts of sane length. */
export function parseToken(raw: string): OpaqueToken | null {
  const m = /^([A-Za-z0-9_-]{16,32})\.([A-Za-z0-9_-]{32,64})$/.exec(raw);
  return m ? { id: m[1], secret: m[2] } : null;
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The successor of a rotated token is derived from it with a server key, so
 * every concurrent refresh with the same token computes the same successor
 * and nothing but its hash is ever stored.
 */
export function successorOf(token: OpaqueToken, key: Buffer): OpaqueToken {
  const mac = (label: string) => createHmac('sha256', key).update(`refresh-successor-${label}\0${token.id}\0${token.secret}`).digest();
  return { id: mac('id').subarray(0, 16).toString('base64url'), secret: mac('secret').toString('base64url') };
}
