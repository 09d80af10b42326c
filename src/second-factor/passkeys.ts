// A user's own passkeys: the registration ceremony (options, then the
// authenticator's answer), listing and removal. Adding and removing confirm
// identity first, as updateMe does (accounts/reauth.ts), and mail a notice.
// A credential id is registered once across all accounts: the unique index
// decides a race, and the check before it gives the same refusal.
import type { EntityManager } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { AccountMail } from '../accounts/account-mail';
import type { Confirmation, Reauthentication } from '../accounts/reauth';
import { Passkey, type User } from '../entities';
import { AppError, badInput } from '../errors';
import type { SecondFactorChanges } from './changes';
import type { RelyingParty } from './relying-party';
import { registrationOptions, verifyRegistration } from './webauthn';
import { clientChallenge, storeChallenge, takeChallenge } from './webauthn-challenges';
import { asWebAuthnFailure, WebAuthnFailure } from './webauthn-failure';

const MAX_NAME = 100;

export class PasskeyService {
  constructor(
    private readonly rp: RelyingParty,
    private readonly reauth: Reauthentication,
    private readonly mail: AccountMail,
    private readonly logger: Logger,
    private readonly changes: SecondFactorChanges,
  ) {}

  list(em: EntityManager, user: User): Promise<Passkey[]> {
    return em.find(Passkey, { user }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** PublicKeyCredentialCreationOptionsJSON; the challenge is this user's, once, for 5 minutes. */
  async registrationOptions(em: EntityManager, user: User, proof: Confirmation): Promise<unknown> {
    this.rp.requireEnabled();
    await this.reauth.confirmIdentity(em, user, proof);
    const { options, challenge } = await registrationOptions({
      rpId: this.rp.id,
      rpName: this.rp.name,
      user: { id: this.rp.userHandle(user), name: user.username, displayName: user.username },
      excludeCredentials: (await this.list(em, user)).map((p) => ({ id: p.credentialId, transports: p.transports })),
    });
    await storeChallenge(em, 'registration', challenge, { user });
    return options;
  }

  async register(em: EntityManager, user: User, response: unknown, name: string | null | undefined): Promise<Passkey> {
    this.rp.requireEnabled();
    const label = (name ?? '').trim() || `Passkey ${(await em.count(Passkey, { user })) + 1}`;
    if (label.length > MAX_NAME) throw badInput('name', `A passkey name is at most ${MAX_NAME} characters.`);
    // The name is shown in lists and quoted in notice mails: no line breaks or other control characters.
    if (/\p{Cc}/u.test(label)) throw badInput('name', 'A passkey name cannot contain line breaks or control characters.');
    try {
      const sent = clientChallenge(response);
      const taken = sent === null ? null : await takeChallenge(em, { challenge: sent, purpose: 'registration', userId: user.id });
      if (!taken) throw new WebAuthnFailure('challenge', 'no live registration challenge of this user');
      const created = await verifyRegistration(response, this.rp.expected(taken.challenge));
      if ((await em.count(Passkey, { credentialId: created.credentialId })) > 0) {
        throw new WebAuthnFailure('credential-mismatch', 'this credential id is already registered');
      }
      const passkey = em.create(Passkey, { ...created, user, userHandle: this.rp.userHandle(user), name: label });
      await this.changes.record(em, user, 'passkey_added');
      await em.persist(passkey).flush();
      this.logger.info({ event: 'passkey', change: 'added', userId: user.id, deviceType: created.deviceType }, 'passkey added');
      this.mail.passkey(user, label, 'added');
      return passkey;
    } catch (err) {
      if (err instanceof AppError) throw err;
      const failure =
        err instanceof UniqueConstraintViolationException
          ? new WebAuthnFailure('credential-mismatch', 'this credential id is already registered')
          : asWebAuthnFailure(err);
      this.logger.warn(
        { event: 'passkey', change: 'refused', userId: user.id, reason: failure.reason, detail: failure.detail },
        'passkey registration refused',
      );
      throw new AppError('SECOND_FACTOR_INVALID', 'The passkey was not accepted: ask for new options and try again.');
    }
  }

  async remove(em: EntityManager, user: User, id: string, proof: Confirmation): Promise<true> {
    this.rp.requireEnabled();
    await this.reauth.confirmIdentity(em, user, proof);
    const passkey = /^\d{1,15}$/.test(id) ? await em.findOne(Passkey, { id: Number(id), user }) : null;
    if (!passkey) throw badInput('id', 'No such passkey.');
    await this.changes.record(em, user, 'passkey_removed');
    await em.remove(passkey).flush();
    this.logger.info({ event: 'passkey', change: 'removed', userId: user.id }, 'passkey removed');
    this.mail.passkey(user, passkey.name, 'removed');
    return true;
  }
}
