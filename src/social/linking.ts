// Connecting a provider account to the signed-in user and disconnecting one.
// Linking adds a way in, so it confirms identity first (before the provider
// is asked: a wrong password costs no provider call and no single-use ID
// token); both changes are mailed to the account.
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { AccountMail } from '../accounts/account-mail';
import type { Confirmation, Reauthentication } from '../accounts/reauth';
import { SocialAccount, type User } from '../entities';
import type { AppleTokens } from './apple-tokens';
import type { SocialProvider } from './providers/provider-id';
import { displayName } from './providers/registry';
import type { SocialAccountService } from './social-accounts';
import type { SocialAuthService } from './social-auth';
import type { SocialTokenInput } from './social-credential';

export class SocialLinking {
  constructor(
    private readonly reauth: Reauthentication,
    private readonly socialAuth: SocialAuthService,
    private readonly socialAccounts: SocialAccountService,
    private readonly mail: AccountMail,
    private readonly logger: Logger,
    private readonly appleTokens: AppleTokens,
  ) {}

  async connect(em: EntityManager, viewer: User, provider: SocialProvider, token: SocialTokenInput, proof: Confirmation): Promise<SocialAccount> {
    await this.reauth.confirmIdentity(em, viewer, proof);
    const profile = await this.socialAuth.verify(em, provider, token);
    const field = token.idToken != null ? 'idToken' : 'accessToken';
    const { account, created } = await this.socialAccounts.connect(em, viewer.id, provider, profile, field);
    if (created) {
      this.mail.socialAccount(viewer, displayName(provider), 'connected');
      this.logger.info({ event: 'social_connect', provider, userId: viewer.id }, 'social account connected');
    }
    return account;
  }

  /** A user's linked accounts, for the user themself and staff; none for anyone else. */
  visibleAccounts(em: EntityManager, viewer: User | null, user: User): Promise<SocialAccount[]> {
    if (!viewer || (viewer.id !== user.id && !viewer.isStaff && !viewer.isSuperuser)) return Promise.resolve([]);
    return em.find(SocialAccount, { user: user.id }, { orderBy: { id: 'asc' } });
  }

  /** False when the id is not one of the viewer's accounts. */
  async disconnect(em: EntityManager, viewer: User, id: string): Promise<boolean> {
    if (!/^\d{1,15}$/.test(id)) return false;
    // An Apple token is read before the row goes and revoked after, in the background.
    const revoke = await this.appleTokens.prepareUnlink(em, viewer.id, Number(id));
    const removed = await this.socialAccounts.disconnect(em, viewer.id, Number(id));
    if (!removed) return false;
    revoke();
    this.mail.socialAccount(viewer, displayName(removed.provider), 'disconnected');
    this.logger.info({ event: 'social_disconnect', userId: viewer.id, socialAccountId: Number(id) }, 'social account disconnected');
    return true;
  }
}
