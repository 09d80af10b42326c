// Google: the app sends the ID token Google Sign-In (Credential Manager on
// Android, GIDSignIn on iOS, Google Identity Services on the web) gave it.
// IdTokenVerifier checks it against Google's published keys; `aud` must be
// one of the SocialApp's client IDs. Google counts the email as verified
// only when the token says `email_verified`.
import { noAppRules, type ProviderDescriptor } from './descriptor';
import { IdTokenVerifier, idTokenProfile } from './id-token';
import type { JwksCache } from './jwks';
import { asString, type IdentityProvider, type ProviderApp, type SocialCredential, type SocialProfile } from './provider';
import { SocialProvider } from './provider-id';
import type { ReplayStore } from './replay-store';

/** Google documents both spellings of its issuer. */
const ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

export class GoogleProvider implements IdentityProvider {
  private readonly idTokens: IdTokenVerifier;

  constructor(keys: JwksCache, replay: ReplayStore) {
    this.idTokens = new IdTokenVerifier(keys, replay, { what: 'google', issuers: ISSUERS, nonce: 'plain' });
  }

  async verify(credential: SocialCredential, app: ProviderApp): Promise<SocialProfile> {
    const token = await this.idTokens.verify(credential, app);
    return idTokenProfile(token, asString(token.claims.name), asString(token.claims.picture));
  }
}

export const google: ProviderDescriptor = {
  id: SocialProvider.GOOGLE,
  displayName: 'Google',
  accepts: ['idToken'],
  endpoints: { jwks: { env: 'GOOGLE_JWKS_URL', default: 'https://www.googleapis.com/oauth2/v3/certs', description: "Google's ID-token keys." } },
  app: { description: 'clientId = web client ID, extraClientIds = iOS and Android client IDs.', check: noAppRules },
  create: ({ keys, replay }) => new GoogleProvider(keys(), replay),
};
