// Social sign-in: throttle → the provider vouches for the token → the linked
// (or new) user → the pipeline. Every attempt counts against the client's
// budget, successful ones too: each costs a provider call.
import type { EntityManager } from '@mikro-orm/core';
import type { SocialAccount } from '../entities';
import type { ClientMeta, IssuedSession } from '../sessions/sessions';
import type { SocialProvider } from '../social/providers/provider-id';
import type { SocialAccountService } from '../social/social-accounts';
import type { SocialAuthService } from '../social/social-auth';
import type { SocialTokenInput } from '../social/social-credential';
import { throttleSubject } from '../throttle/client-subject';
import type { RateLimiter } from '../throttle/rate-limiter';
import type { SignInAttempt } from './attempt';
import type { SignInPipeline } from './pipeline';

export interface SocialSignInResult {
  issued: IssuedSession;
  account: SocialAccount;
  isNewUser: boolean;
}

export class SocialSignIn {
  constructor(
    private readonly socialAuth: SocialAuthService,
    private readonly socialAccounts: SocialAccountService,
    private readonly rateLimiter: RateLimiter,
    private readonly pipeline: SignInPipeline,
  ) {}

  async signIn(em: EntityManager, provider: SocialProvider, token: SocialTokenInput, client: ClientMeta): Promise<SocialSignInResult> {
    await this.rateLimiter.consume(['social', throttleSubject(client.ip)]);
    const attempt: SignInAttempt = { method: `social:${provider}`, client, detail: { provider } };
    try {
      const profile = await this.socialAuth.verify(em, provider, token);
      const { user, account, isNewUser } = await this.socialAccounts.signIn(em, provider, profile);
      attempt.detail = { provider, isNewUser };
      return { issued: await this.pipeline.complete(em, user, attempt), account, isNewUser };
    } catch (err) {
      await this.pipeline.recordFailure(attempt, err);
      throw err;
    }
  }
}
