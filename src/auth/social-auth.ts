// From (provider, access token) to a verified profile: finds our app for the
// provider, lets the provider prove the token was issued to that app, and
// turns every failure into SOCIAL_AUTH_FAILED with its reason. The cause is
// logged without the token. Nothing is written to the database here, so a
// failed provider call can never leave a half-made account behind.
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { SocialApp, type SocialProvider } from '../entities';
import { socialAuthFailed } from '../errors';
import { ProviderFailure, type ProviderRegistry, type SocialProfile } from '../providers/provider';

/** Provider tokens are printable ASCII without spaces; anything else is refused before it leaves the server. */
const TOKEN_RE = /^[\x21-\x7e]{1,2048}$/;

export class SocialAuthService {
  constructor(
    private readonly providers: ProviderRegistry,
    private readonly logger: Logger,
  ) {}

  async verify(em: EntityManager, provider: SocialProvider, accessToken: string): Promise<SocialProfile> {
    try {
      if (!TOKEN_RE.test(accessToken)) throw new ProviderFailure('TOKEN_REJECTED', `${provider}: malformed access token`);
      const app = await em.findOne(SocialApp, { provider });
      if (!app) throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', `${provider}: no SocialApp registered`);
      return await this.providers[provider].verify(accessToken, app);
    } catch (err) {
      if (!(err instanceof ProviderFailure)) throw err;
      const level = err.reason === 'TOKEN_REJECTED' ? 'info' : 'warn';
      this.logger[level]({ event: 'social_auth', outcome: 'failure', provider, reason: err.reason, detail: err.detail }, 'social sign-in refused');
      throw socialAuthFailed(err.reason);
    }
  }
}
