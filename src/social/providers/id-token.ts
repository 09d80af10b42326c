// OpenID Connect ID tokens (Google, Apple, Kakao), checked in this order:
// the signature, with the key the header's `kid` names in the provider's
// JWKS and only the algorithm that key is pinned to; `exp` (and `nbf`); `iss`,
// one of the provider's fixed issuers; `aud`, only client IDs of our
// SocialApp (and `azp` one of them when there are several), which is what
// stops a token minted for another app; `sub`; the nonce, which must be sent
// and match whenever the token carries one (and a sent one must match); last,
// that this token was never used before. Only then are its claims trusted.
import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { JwksCache } from './jwks';
import { asRecord, asString, asSubject, clientIds, isTrue, type ProviderApp, ProviderFailure, type SocialCredential, type SocialProfile } from './provider';
import type { ReplayStore } from './replay-store';

export interface IdTokenRules {
  /** Names the provider in log details and replay keys. */
  what: string;
  issuers: readonly string[];
  /** How the app's raw nonce appears in the token: as sent, or as its SHA-256 in hex (Apple's SDK flow). */
  nonce: 'plain' | 'sha256';
}

export interface VerifiedIdToken {
  subject: string;
  claims: Record<string, unknown>;
}

/** Phones do not matter here, only the provider's clock against ours. */
const CLOCK_SKEW_SECONDS = 30;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const rejected = (detail: string) => new ProviderFailure('TOKEN_REJECTED', detail);

export class IdTokenVerifier {
  constructor(
    private readonly keys: JwksCache,
    private readonly replay: ReplayStore,
    private readonly rules: IdTokenRules,
  ) {}

  async verify(credential: SocialCredential, app: ProviderApp): Promise<VerifiedIdToken> {
    const { what } = this.rules;
    const kid = asString(asRecord(decodeHeader(credential.token))?.kid);
    if (!kid) throw rejected(`${what}: the ID token is not a JWT with a kid`);
    const { key, algorithm } = await this.keys.get(kid);

    let claims: Record<string, unknown> | null;
    try {
      claims = asRecord(jwt.verify(credential.token, key, { algorithms: [algorithm], clockTolerance: CLOCK_SKEW_SECONDS }));
    } catch (err) {
      throw rejected(`${what}: ${err instanceof jwt.TokenExpiredError ? 'the ID token has expired' : (err as Error).message}`);
    }
    if (!claims || typeof claims.exp !== 'number') throw rejected(`${what}: the ID token has no exp`);
    if (typeof claims.iss !== 'string' || !this.rules.issuers.includes(claims.iss)) throw rejected(`${what}: the ID token has another issuer`);
    checkAudience(what, claims, clientIds(app));
    const subject = asSubject(claims.sub);
    if (!subject) throw rejected(`${what}: the ID token has no usable sub`);
    checkNonce(this.rules, claims, credential.kind === 'idToken' ? credential.nonce : null);
    await claimOnce(this.replay, what, credential.token, claims.exp);
    return { subject, claims };
  }
}

/**
 * A token with a nonce was minted for one sign-in; only the app that made
 * that sign-in knows the raw value, so without it the token could be a
 * leaked one replayed here. A token without a nonce passes only when none is sent.
 */
export function checkNonce({ what, nonce: form }: Pick<IdTokenRules, 'what' | 'nonce'>, claims: Record<string, unknown>, nonce: string | null): void {
  if (nonce === null) {
    if (claims.nonce !== undefined) throw rejected(`${what}: the ID token carries a nonce but none was sent`);
    return;
  }
  if (claims.nonce !== (form === 'sha256' ? sha256(nonce) : nonce)) throw rejected(`${what}: the nonce does not match`);
}

/** The last check: this token signs in once. `exp` is in seconds. */
export async function claimOnce(replay: ReplayStore, what: string, token: string, exp: number): Promise<void> {
  // Keyed by the signed part: the signature's base64 has spare bits, so the whole string is not unique to one token.
  const signed = token.slice(0, token.lastIndexOf('.'));
  if (!(await replay.claim(`${what}:${sha256(signed)}`, exp * 1000))) throw rejected(`${what}: the ID token was already used`);
}

function decodeHeader(token: string): unknown {
  try {
    return jwt.decode(token, { complete: true })?.header;
  } catch {
    return null;
  }
}

/** Every audience must be one of ours; with several, the authorized party must be ours too (OIDC Core 3.1.3.7). */
export function checkAudience(what: string, claims: Record<string, unknown>, ours: readonly string[]): void {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const mine = (v: unknown) => typeof v === 'string' && ours.includes(v);
  if (audiences.length === 0 || !audiences.every(mine)) throw new ProviderFailure('WRONG_APP', `${what}: the ID token is for another app`);
  if (audiences.length > 1 && !mine(claims.azp)) throw new ProviderFailure('WRONG_APP', `${what}: several audiences and azp is not ours`);
}

/** The profile an ID token vouches for; the email is verified only when the token says so. */
export function idTokenProfile({ subject, claims }: VerifiedIdToken, name: string | null, avatar: string | null): SocialProfile {
  const email = asString(claims.email);
  // The nonce was a one-time value for this sign-in; nothing to keep.
  const { nonce: _nonce, ...extra } = claims;
  return { uid: subject, email, emailVerified: email !== null && isTrue(claims.email_verified), name, avatar, extra };
}
