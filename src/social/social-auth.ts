// From (provider, access or ID token) to a verified profile: checks the
// app sent the token this provider takes, finds our app for the provider,
// lets the provider prove the token was issued to that app, and turns every
// failure into SOCIAL_AUTH_FAILED with its reason. With Apple, an
// authorization code the app sent is exchanged here too, after the identity
// token held and before anything is written. The cause is logged
// without the token. Nothing is written to the database here, so a failed
// provider call can never leave a half-made account behind.
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { SocialApp, type SocialProvider } from '../entities';
import { socialAuthFailed } from '../errors';
import type { Metrics } from '../metrics';
import type { CodeExchange } from './apple-tokens';
import { ProviderFailure, type SocialCredential, type SocialProfile } from './providers/provider';
import type { ProviderRegistry } from './providers/registry';
import { type SocialExtras, type SocialTokenInput, socialCredential, socialExtras } from './social-credential';

/** A profile the provider vouched for, with what the app sent besides the token. */
export interface VerifiedSocial extends SocialProfile {
  /** The name the app was given by the provider's SDK (Apple's first authorisation). */
  givenName: SocialExtras['name'];
  /** Apple: the sealed refresh token the authorization code was exchanged for. */
  providerToken: string | null;
}

/** Provider tokens are printable ASCII without spaces; anything else is refused before it leaves the server. */
const TOKEN_RE = /^[\x21-\x7e]{1,2048}$/;
/** An ID token is a signed JWT: three base64url parts. */
const ID_TOKEN_RE = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const ID_TOKEN_MAX = 8192;

const wellFormed = (c: SocialCredential): boolean =>
  c.kind === 'idToken' ? c.token.length <= ID_TOKEN_MAX && ID_TOKEN_RE.test(c.token) : TOKEN_RE.test(c.token);

export class SocialAuthService {
  constructor(
    private readonly providers: ProviderRegistry,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly codes: CodeExchange,
  ) {}

  /** BAD_USER_INPUT for a combination the provider does not take; SOCIAL_AUTH_FAILED when the token does not hold. */
  async verify(em: EntityManager, provider: SocialProvider, input: SocialTokenInput): Promise<VerifiedSocial> {
    const { descriptor, provider: identityProvider } = this.providers[provider];
    const credential = socialCredential(descriptor, input);
    const extras = socialExtras(descriptor, input);
    const stopTimer = this.metrics.providerDuration.startTimer({ provider });
    try {
      if (!wellFormed(credential)) throw new ProviderFailure('TOKEN_REJECTED', `${provider}: malformed ${credential.kind}`);
      const app = await em.findOne(SocialApp, { provider });
      if (!app) throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', `${provider}: no SocialApp registered`);
      const profile = await identityProvider.verify(credential, app);
      const providerToken = extras.authorizationCode === null ? null : await this.codes.exchange(em, app, profile, extras.authorizationCode);
      return { ...profile, givenName: extras.name, providerToken };
    } catch (err) {
      if (!(err instanceof ProviderFailure)) throw err;
      this.metrics.providerErrors.inc({ provider, reason: err.reason });
      const level = err.reason === 'TOKEN_REJECTED' ? 'info' : 'warn';
      this.logger[level]({ event: 'social_auth', outcome: 'failure', provider, reason: err.reason, detail: err.detail }, 'social sign-in refused');
      throw socialAuthFailed(err.reason);
    } finally {
      stopTimer();
    }
  }
}
