// The one small interface every social provider implements, and the profile
// they all return. verify() must prove that the token was issued to OUR app
// before trusting any profile: a token from any other app still opens /me
// (token substitution). It throws ProviderFailure and nothing else.
import type { SocialProvider } from '../entities/social-provider';
import type { SocialFailureReason } from '../errors';

export interface SocialProfile {
  /** The provider's user id, as a decimal string. */
  uid: string;
  email: string | null;
  /** True only when the provider vouches for the email. */
  emailVerified: boolean;
  name: string | null;
  avatar: string | null;
  /** The provider's profile answer, stored as SocialAccount.extraData. */
  extra: Record<string, unknown>;
}

/** What a provider needs of a SocialApp. */
export interface ProviderApp {
  readonly clientId: string;
  readonly secret?: string | null;
  readonly key?: string | null;
}

export interface IdentityProvider {
  readonly id: SocialProvider;
  verify(accessToken: string, app: ProviderApp): Promise<SocialProfile>;
}

export type ProviderRegistry = Readonly<Record<SocialProvider, IdentityProvider>>;

/** A failed verification: `reason` goes to the client, `detail` to the log only (never a token). */
export class ProviderFailure extends Error {
  constructor(
    readonly reason: SocialFailureReason,
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

/**
 * A provider id as a decimal string. Numbers beyond 2^53 have already lost
 * digits in JSON.parse, so they are refused rather than matched wrongly.
 */
export function asId(v: unknown): string | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : null;
  if (typeof v === 'string') return /^\d{1,40}$/.test(v) ? v : null;
  return null;
}
