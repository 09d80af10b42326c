// The server side of every WebAuthn challenge: stored when the options go
// out, taken exactly once. Taking deletes the row first and checks the
// bindings after, so a response that fails still used its challenge up, and
// two concurrent answers to one challenge cannot both win (one delete counts).
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { type User, WebAuthnChallenge, type WebAuthnPurpose } from '../entities';
import { WEBAUTHN_TIMEOUT_MS } from './webauthn';

export interface ChallengeBinding {
  user?: User | null;
  pendingId?: string | null;
}

/** Stores `challenge` for one use within WEBAUTHN_TIMEOUT_MS; resolves to its id (the sign-in's challengeId). */
export async function storeChallenge(em: EntityManager, purpose: WebAuthnPurpose, challenge: string, binding: ChallengeBinding = {}): Promise<string> {
  const id = randomBytes(16).toString('base64url');
  const row = em.create(WebAuthnChallenge, {
    id,
    purpose,
    challenge,
    user: binding.user ?? null,
    pendingId: binding.pendingId ?? null,
    expiresAt: new Date(Date.now() + WEBAUTHN_TIMEOUT_MS),
  });
  await em.persist(row).flush();
  return id;
}

/** Deletes and returns the challenge if it was live and `where` matched it; null otherwise (unknown, used, expired). */
export async function takeChallenge(
  em: EntityManager,
  where: { id?: string; challenge?: string; purpose: WebAuthnPurpose; userId?: number; pendingId?: string },
): Promise<WebAuthnChallenge | null> {
  if ((where.id === undefined && where.challenge === undefined) || (where.id?.length ?? 0) > 64 || (where.challenge?.length ?? 0) > 128) return null;
  const filter = {
    purpose: where.purpose,
    ...(where.id !== undefined ? { id: where.id } : {}),
    ...(where.challenge !== undefined ? { challenge: where.challenge } : {}),
    ...(where.userId !== undefined ? { user: where.userId } : {}),
    ...(where.pendingId !== undefined ? { pendingId: where.pendingId } : {}),
  };
  const found = await em.findOne(WebAuthnChallenge, filter, { refresh: true });
  if (!found) return null;
  // Only the request whose delete removed the row may use it.
  const deleted = await em.nativeDelete(WebAuthnChallenge, { id: found.id });
  em.getUnitOfWork().unsetIdentity(found);
  if (deleted !== 1 || found.expiresAt.getTime() <= Date.now()) return null;
  return found;
}

/** The challenge a response's clientDataJSON carries (registration has no challengeId to send back), or null. */
export function clientChallenge(response: unknown): string | null {
  const data = (response as { response?: { clientDataJSON?: unknown } } | null)?.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return null;
  try {
    const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' ? parsed.challenge : null;
  } catch {
    return null;
  }
}
