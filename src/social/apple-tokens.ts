// The Apple refresh token's life: got by exchanging the app's authorization
// code (checked to belong to the same Apple user as the identity token, then
// sealed on the SocialAccount), and revoked at Apple when the account goes
// (deleteMe, staff deletion, disconnectSocialAccount), as App Store guideline
// 5.1.1(v) asks. Revocation never blocks the deletion: the sealed tokens are
// read before the rows are deleted, then revoked in the background, retried
// with exponential backoff and logged; at shutdown a retry still waiting is
// given up and logged (the token then lapses at Apple on its own terms).
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { UserDeletion } from '../accounts/user-deletion';
import type { BackgroundTasks } from '../background';
import type { Orm } from '../db/orm';
import { SocialAccount, SocialApp, SocialProvider } from '../entities';
import type { AppleSecrets } from './apple-secrets';
import type { AppleCredentials, AppleRest } from './providers/apple-rest';
import { ProviderFailure, type SocialProfile } from './providers/provider';

/** The step social-auth.ts takes when the app sent an authorization code: the sealed refresh token, or null when one is already stored. */
export interface CodeExchange {
  exchange(em: EntityManager, app: SocialApp, profile: SocialProfile, code: string): Promise<string | null>;
}

export interface RevocationPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Seconds before the second try; doubled for each next one. */
  backoff: number;
}

interface Pending {
  userId: number;
  token: string;
  clientId: string;
}

const MAX_DELAY_SECONDS = 3600;

export class AppleTokens implements CodeExchange, UserDeletion {
  private readonly stopping = new AbortController();

  constructor(
    private readonly rest: AppleRest,
    private readonly secrets: AppleSecrets,
    private readonly orm: Orm,
    private readonly background: BackgroundTasks,
    private readonly logger: Logger,
    private readonly policy: RevocationPolicy,
  ) {}

  async exchange(em: EntityManager, app: SocialApp, profile: SocialProfile, code: string): Promise<string | null> {
    // The app sends a code with every authorisation; one grant is enough to revoke, and each exchange would mint another at Apple.
    if ((await em.count(SocialAccount, { provider: SocialProvider.APPLE, uid: profile.uid, providerToken: { $ne: null } })) > 0) return null;
    // The identity token's audience is the client the code was issued to as well (bundle ID or Services ID).
    const clientId = typeof profile.extra.aud === 'string' ? profile.extra.aud : app.clientId;
    const { refreshToken, subject } = await this.rest.exchangeCode(this.credentials(app), clientId, code);
    if (subject !== profile.uid) throw new ProviderFailure('TOKEN_REJECTED', 'apple token: the code belongs to another Apple user than the identity token');
    return this.secrets.sealRefreshToken(profile.uid, { token: refreshToken, clientId });
  }

  /** Called before a user's rows are deleted; the returned step revokes what they held, in the background. */
  async prepare(em: EntityManager, userId: number): Promise<() => void> {
    const pending = await this.collect(em, { user: userId });
    return () => this.revokeLater(pending);
  }

  /** The same for one account of `userId`, before it is unlinked. */
  async prepareUnlink(em: EntityManager, userId: number, accountId: number): Promise<() => void> {
    const pending = await this.collect(em, { user: userId, id: accountId });
    return () => this.revokeLater(pending);
  }

  /** Gives up the retries still waiting (shutdown); each is logged. */
  stop(): void {
    this.stopping.abort();
  }

  private async collect(em: EntityManager, where: { user: number; id?: number }): Promise<Pending[]> {
    const accounts = await em.find(SocialAccount, { ...where, provider: SocialProvider.APPLE, providerToken: { $ne: null } }, { populate: ['providerToken'] });
    return accounts.flatMap((a) => {
      const stored = this.secrets.refreshToken(a);
      return stored ? [{ userId: a.user.id, ...stored }] : [];
    });
  }

  private revokeLater(pending: readonly Pending[]): void {
    for (const p of pending) this.background.run('apple-revoke', () => this.revoke(p));
  }

  private async revoke(p: Pending): Promise<void> {
    const { attempts, backoff } = this.policy;
    for (let n = 1; ; n++) {
      try {
        const app = await this.orm.em.fork().findOne(SocialApp, { provider: SocialProvider.APPLE });
        if (!app) throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', 'apple: no SocialApp registered');
        await this.rest.revoke(this.credentials(app), p.clientId, p.token);
        this.logger.info({ event: 'apple_token_revoked', userId: p.userId, attempt: n }, 'Apple token revoked');
        return;
      } catch (err) {
        const detail = err instanceof ProviderFailure ? `${err.reason}: ${err.detail}` : err instanceof Error ? err.message : String(err);
        if (n >= attempts) {
          this.logger.error({ event: 'apple_revoke_failed', userId: p.userId, attempts: n, detail }, 'Apple token revocation gave up');
          return;
        }
        this.logger.warn({ event: 'apple_revoke_retry', userId: p.userId, attempt: n, detail }, 'Apple token revocation failed; will retry');
      }
      const seconds = Math.min(backoff * 2 ** (n - 1), MAX_DELAY_SECONDS);
      const waited = await sleep(seconds * 1000, true, { signal: this.stopping.signal }).catch(() => false);
      if (!waited) {
        this.logger.error({ event: 'apple_revoke_abandoned', userId: p.userId, attempts: n }, 'Apple token revocation abandoned at shutdown');
        return;
      }
    }
  }

  private credentials(app: SocialApp): AppleCredentials {
    const { teamId, keyId } = app;
    let privateKey: string | null = null;
    try {
      privateKey = this.secrets.privateKey(app);
    } catch {
      throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', 'apple: the stored private key does not open (was the master secret changed?)');
    }
    if (!teamId || !keyId || !privateKey) throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', 'apple: the SocialApp has no Team ID, Key ID and private key');
    return { teamId, keyId, privateKey };
  }
}
