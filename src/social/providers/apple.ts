// Sign in with Apple: the app sends the identityToken of its
// ASAuthorizationAppleIDCredential and the raw nonce it generated; it gave
// Apple that nonce's SHA-256 (hex), which is what the token carries, so the
// nonce is hashed before it is compared. Apple sends the user's name to the
// app only, once, and never in the token (the app passes it on as
// firstName/lastName); `email_verified` and `is_private_email` sometimes
// arrive as the strings "true"/"false". A private relay address is marked so
// it never links to an account by email. The REST API (code exchange,
// revocation) is apple-rest.ts; notifications apple-notification.ts.
import { noAppRules, type ProviderDescriptor } from './descriptor';
import { IdTokenVerifier, idTokenProfile } from './id-token';
import type { JwksCache } from './jwks';
import { type IdentityProvider, isTrue, type ProviderApp, type SocialCredential, type SocialProfile } from './provider';
import { SocialProvider } from './provider-id';
import type { ReplayStore } from './replay-store';

const ISSUER = 'https://appleid.apple.com';
const RELAY_DOMAIN = '@privaterelay.appleid.com';

/** Apple's "Hide My Email" address: the claim says so, or the domain does. */
export const isRelayAddress = (email: string | null, isPrivateEmail?: unknown): boolean =>
  email !== null && (isTrue(isPrivateEmail) || email.toLowerCase().endsWith(RELAY_DOMAIN));

export class AppleProvider implements IdentityProvider {
  private readonly idTokens: IdTokenVerifier;

  constructor(keys: JwksCache, replay: ReplayStore) {
    this.idTokens = new IdTokenVerifier(keys, replay, { what: 'apple', issuers: [ISSUER], nonce: 'sha256' });
  }

  async verify(credential: SocialCredential, app: ProviderApp): Promise<SocialProfile> {
    const profile = idTokenProfile(await this.idTokens.verify(credential, app), null, null);
    return { ...profile, relayEmail: isRelayAddress(profile.email, profile.extra.is_private_email) };
  }
}

export const apple: ProviderDescriptor = {
  id: SocialProvider.APPLE,
  displayName: 'Apple',
  accepts: ['idToken'],
  extras: ['name', 'authorizationCode'],
  endpoints: {
    jwks: { env: 'APPLE_JWKS_URL', default: 'https://appleid.apple.com/auth/keys', description: "Apple's identity-token and notification keys." },
    api: {
      env: 'APPLE_API_URL',
      default: 'https://appleid.apple.com',
      description: "Sign in with Apple REST API base URL (/auth/token, /auth/revoke); the client_secret's aud stays https://appleid.apple.com.",
    },
  },
  app: {
    description: 'clientId = bundle ID, extraClientIds = Services ID, teamId + keyId + privateKey (.p8) for the REST API (code exchange, revocation).',
    check: noAppRules,
  },
  create: ({ keys, replay }) => new AppleProvider(keys(), replay),
};
