// Passkey sign-in: options (with a username: that account's passkeys; without
// one, or for an account that has none: any discoverable passkey) → the
// authenticator's assertion → the pipeline with method 'passkey' and amr
// [hwk|swk, mfa]: a passkey proves possession and user verification at once,
// so it passes the second-factor gate by itself. Every refusal is
// INVALID_CREDENTIALS, counted per IP like a wrong password; the reason is
// logged only.
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { AccountStore } from '../accounts/accounts';
import { Passkey } from '../entities';
import { AppError } from '../errors';
import { checkAssertion } from '../second-factor/passkey-assertion';
import type { RelyingParty } from '../second-factor/relying-party';
import { authenticationOptions } from '../second-factor/webauthn';
import { storeChallenge, takeChallenge } from '../second-factor/webauthn-challenges';
import { asWebAuthnFailure, WebAuthnFailure } from '../second-factor/webauthn-failure';
import type { ClientMeta, IssuedSession } from '../sessions/sessions';
import { throttleSubject } from '../throttle/client-subject';
import type { RateLimiter } from '../throttle/rate-limiter';
import type { SignInAttempt } from './attempt';
import type { SignInPipeline } from './pipeline';

export interface PasskeySignInOptions {
  challengeId: string;
  options: unknown;
}

export class PasskeySignIn {
  constructor(
    private readonly rp: RelyingParty,
    private readonly accounts: AccountStore,
    private readonly rateLimiter: RateLimiter,
    private readonly pipeline: SignInPipeline,
    private readonly logger: Logger,
    /** ACCOUNT_EMAIL_VERIFICATION=mandatory: as for a password, a proven passkey of an unconfirmed email is EMAIL_NOT_VERIFIED. */
    private readonly requireVerifiedEmail: boolean,
  ) {}

  /**
   * With a username whose account has passkeys, the options list them and the
   * challenge only signs that account in. Options for an unknown name look
   * like discoverable ones; only an account's having passkeys shows.
   */
  async options(em: EntityManager, username: string | null | undefined, client: ClientMeta): Promise<PasskeySignInOptions> {
    this.rp.requireEnabled();
    await this.rateLimiter.consume(['passkeyOptions', throttleSubject(client.ip)]);
    const user = username && username.length <= 254 ? await this.accounts.findByLogin(em, username) : null;
    const passkeys = user?.isActive ? await em.find(Passkey, { user }, { fields: ['credentialId', 'transports'] }) : [];
    const allowCredentials = passkeys.map((p) => ({ id: p.credentialId, transports: p.transports }));
    const { options, challenge } = await authenticationOptions({ rpId: this.rp.id, ...(allowCredentials.length > 0 ? { allowCredentials } : {}) });
    const challengeId = await storeChallenge(em, 'sign_in', challenge, { user: allowCredentials.length > 0 ? user : null });
    return { challengeId, options };
  }

  async signIn(em: EntityManager, challengeId: string, response: unknown, client: ClientMeta): Promise<IssuedSession> {
    this.rp.requireEnabled();
    const tickets = await this.rateLimiter.consume(['loginIp', throttleSubject(client.ip)]);
    const attempt: SignInAttempt = { method: 'passkey', client, tickets };
    try {
      const { passkey, amr } = await this.check(em, challengeId, response);
      if (!passkey.user.isActive) throw new AppError('INVALID_CREDENTIALS');
      if (this.requireVerifiedEmail && !passkey.user.emailVerified) throw new AppError('EMAIL_NOT_VERIFIED');
      return await this.pipeline.complete(em, passkey.user, { ...attempt, amr: [amr, 'mfa'], detail: { amr } });
    } catch (err) {
      await this.pipeline.recordFailure(attempt, err);
      throw err;
    }
  }

  private async check(em: EntityManager, challengeId: string, response: unknown) {
    // The challenge is used up whatever happens next.
    const taken = await takeChallenge(em, { id: challengeId, purpose: 'sign_in' });
    try {
      if (!taken) throw new WebAuthnFailure('challenge', 'no live sign-in challenge with this id');
      return await checkAssertion(em, this.rp, response, taken.challenge, taken.user?.id ?? null);
    } catch (err) {
      const failure = asWebAuthnFailure(err);
      this.logger.warn({ event: 'passkey', reason: failure.reason, detail: failure.detail }, 'passkey sign-in refused');
      throw new AppError('INVALID_CREDENTIALS');
    }
  }
}
