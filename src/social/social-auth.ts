// From (provider, access or ID token) to a verified profile: checks the
// app sent the token this provider takes, finds our app for the provider,
// lets the provider prove the token was issued to that app, and turns every
// failure into SOCIAL_AUTH_FAILED with its reason. The cause is logged
// without the token. Nothing is written to the database here, so a failed
// provider call can never leave a half-made account behind.
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { SocialApp, type SocialProvider } from '../entities';
import { socialAuthFailed } from '../errors';
import type { Metrics } from '../metrics';
import { ProviderFailure, type SocialCredential, type SocialProfile } from './providers/provider';
import type { ProviderRegistry } from './providers/registry';
import { type SocialTokenInput, socialCredential } from './social-credential';

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
  ) {}

  /** BAD_USER_INPUT for a combination the provider does not take; SOCIAL_AUTH_FAILED when the token does not hold. */
  async verify(em: EntityManager, provider: SocialProvider, input: SocialTokenInput): Promise<SocialProfile> {
    const { descriptor, provider: identityProvider } = this.providers[provider];
    const credential = socialCredential(descriptor, input);
    const stopTimer = this.metrics.providerDuration.startTimer({ provider });
    try {
      if (!wellFormed(credential)) throw new ProviderFailure('TOKEN_REJECTED', `${provider}: malformed ${credential.kind}`);
      const app = await em.findOne(SocialApp, { provider });
      if (!app) throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', `${provider}: no SocialApp registered`);
      return await identityProvider.verify(credential, app);
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
