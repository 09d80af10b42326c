// A user's TOTP authenticator at rest: the secret sealed under a key derived
// for 'totp-secret' with the row's owner as associated data, so a sealed
// secret copied to another user's row does not open. check() accepts a code
// once: the matched time step is stored by a conditional update, so two
// requests racing with the same code cannot both pass.
import type { EntityManager } from '@mikro-orm/core';
import type { MasterSecrets } from '../crypto/derive-key';
import { SecretBox } from '../crypto/secret-box';
import { TotpFactor, type User } from '../entities';
import { newTotpSecret, verifyTotp } from './totp';

const aad = (userId: number) => `user:${userId}:totp`;

export class TotpFactors {
  private readonly box: SecretBox;

  constructor(secrets: MasterSecrets) {
    this.box = new SecretBox(secrets, 'totp-secret');
  }

  /** The user's authenticator, confirmed or still being enrolled; null when none. */
  find(em: EntityManager, user: User): Promise<TotpFactor | null> {
    return em.findOne(TotpFactor, { user: user.id });
  }

  async confirmed(em: EntityManager, user: User): Promise<TotpFactor | null> {
    const factor = await this.find(em, user);
    return factor?.confirmedAt ? factor : null;
  }

  /** Starts (or restarts) an enrollment with a fresh secret; returns the secret to show once. */
  async beginEnrollment(em: EntityManager, user: User, pending: TotpFactor | null): Promise<Buffer> {
    const secret = newTotpSecret();
    const sealed = this.box.seal(secret, aad(user.id));
    if (pending) Object.assign(pending, { secret: sealed, createdAt: new Date(), lastUsedStep: null });
    else em.create(TotpFactor, { user, secret: sealed, createdAt: new Date() });
    await em.flush();
    return secret;
  }

  /** Whether `code` is a fresh, right code for `factor`; a right one is used up. */
  async check(em: EntityManager, factor: TotpFactor, code: string): Promise<boolean> {
    const opened = this.box.open(factor.secret, aad(factor.user.id));
    const step = verifyTotp(opened.plaintext, code, Date.now(), factor.lastUsedStep ?? null);
    if (step === null) return false;
    const used = await em.nativeUpdate(
      TotpFactor,
      { id: factor.id, $or: [{ lastUsedStep: null }, { lastUsedStep: { $lt: step } }] },
      { lastUsedStep: step, ...(opened.stale ? { secret: this.box.seal(opened.plaintext, aad(factor.user.id)) } : {}) },
    );
    // The entity keeps its loaded step: it is never written back, so a later flush cannot lower the stored one.
    return used === 1;
  }
}
