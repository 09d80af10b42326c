// The one small interface every social provider implements, and the profile
// they all return. verify() must prove that the token was issued to OUR app
// before trusting any profile: a token from any other app still opens /me
// (token substitution), and an ID token minted for another app is still
// signed by the provider. It throws ProviderFailure and nothing else.

export interface SocialProfile {
  /** The provider's stable user id (Kakao and Facebook: decimal; Google, Apple, Naver: an opaque string). */
  uid: string;
  email: string | null;
  /** True only when the provider vouches for the email. */
  emailVerified: boolean;
  name: string | null;
  avatar: string | null;
  /** The provider's profile answer, stored as SocialAccount.extraData. */
  extra: Record<string, unknown>;
  /** Apple: the email is a private relay address, not the person's own (never used to link by email). */
  relayEmail?: boolean;
}

/** What a provider needs of a SocialApp. */
export interface ProviderApp {
  readonly clientId: string;
  /** More client IDs an ID token's `aud` may name (iOS, Android, web). */
  readonly extraClientIds?: readonly string[] | null;
  readonly secret?: string | null;
  readonly key?: string | null;
}

/** Every client ID of the app: an ID token must be addressed to one of them. */
export const clientIds = (app: ProviderApp): string[] => [app.clientId, ...(app.extraClientIds ?? [])];

export type CredentialKind = 'accessToken' | 'idToken';

/** What the mobile app sent; the nonce only ever comes with an ID token. */
export type SocialCredential = { kind: 'accessToken'; token: string } | { kind: 'idToken'; token: string; nonce: string | null };

export interface IdentityProvider {
  verify(credential: SocialCredential, app: ProviderApp): Promise<SocialProfile>;
}

/** Why a provider refused; each is a SOCIAL_AUTH_FAILED reason in the error catalogue (src/errors.ts). */
export type ProviderFailureReason = 'PROVIDER_NOT_CONFIGURED' | 'TOKEN_REJECTED' | 'WRONG_APP' | 'PROVIDER_UNAVAILABLE';

/** A failed verification: `reason` goes to the client, `detail` to the log only (never a token). */
export class ProviderFailure extends Error {
  constructor(
    readonly reason: ProviderFailureReason,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ProviderFailure';
  }
}

/** An answer without the fields we need is the provider's failure, not our crash. */
export const malformed = (what: string) => new ProviderFailure('PROVIDER_UNAVAILABLE', `${what}: unexpected answer`);

export function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

export const asString = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** An opaque provider id (OIDC `sub`, Naver's id): printable ASCII that fits SocialAccount.uid. */
export const asSubject = (v: unknown): string | null => (typeof v === 'string' && /^[\x21-\x7e]{1,191}$/.test(v) ? v : null);

/** A claim that means yes: Apple sends booleans as the strings "true"/"false" in some tokens. */
export const isTrue = (v: unknown): boolean => v === true || v === 'true';

/**
 * A provider id as a decimal string. Numbers beyond 2^53 have already lost
 * digits in JSON.parse, so they are refused rather than matched wrongly.
 */
export function asId(v: unknown): string | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : null;
  if (typeof v === 'string') return /^\d{1,40}$/.test(v) ? v : null;
  return null;
}
