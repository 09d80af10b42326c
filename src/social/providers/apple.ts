// Sign in with Apple: the app sends the identityToken of its
// ASAuthorizationAppleIDCredential and the raw nonce it generated; it gave
// Apple that nonce's SHA-256 (hex), which is what the token carries, so the
// nonce is hashed before it is compared. Apple sends the user's name to the
// app only, once, and never in the token; `email_verified` and
// `is_private_email` sometimes arrive as the strings "true"/"false".
import { noAppRules, type ProviderDescriptor } from './descriptor';
import { IdTokenVerifier, idTokenProfile } from './id-token';
import type { JwksCache } from './jwks';
import type { IdentityProvider, ProviderApp, SocialCredential, SocialProfile } from './provider';
import { SocialProvider } from './provider-id';
import type { ReplayStore } from './replay-store';

const ISSUER = 'https://appleid.apple.com';

export class AppleProvider implements IdentityProvider {
  private readonly idTokens: IdTokenVerifier;

  constructor(keys: JwksCache, replay: ReplayStore) {
    this.idTokens = new IdTokenVerifier(keys, replay, { what: 'apple', issuers: [ISSUER], nonce: 'sha256' });
  }

  async verify(credential: SocialCredential, app: ProviderApp): Promise<SocialProfile> {
    return idTokenProfile(await this.idTokens.verify(credential, app), null, null);
  }
}

export const apple: ProviderDescriptor = {
  id: SocialProvider.APPLE,
  displayName: 'Apple',
  accepts: ['idToken'],
  endpoints: { jwks: { env: 'APPLE_JWKS_URL', default: 'https://appleid.apple.com/auth/keys', description: "Apple's identity-token keys." } },
  app: { description: 'clientId = bundle ID, extraClientIds = Services ID.', check: noAppRules },
  create: ({ keys, replay }) => new AppleProvider(keys(), replay),
};
