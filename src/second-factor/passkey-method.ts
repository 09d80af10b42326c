// PASSKEY as a second step (the gate in sign-in/, issue 13): an account with a
// passkey needs one after its password or social sign-in. The options sent
// with SECOND_FACTOR_REQUIRED list the user's passkeys, and their challenge
// is bound to that pending sign-in: it answers no other one and no passkey
// sign-in, and is used once.
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { Passkey, type User } from '../entities';
import { AppError } from '../errors';
import type { PendingChallenge, SecondFactorAnswer, SecondFactorMethod } from './method';
import { checkAssertion } from './passkey-assertion';
import type { RelyingParty } from './relying-party';
import { authenticationOptions } from './webauthn';
import { clientChallenge, storeChallenge, takeChallenge } from './webauthn-challenges';
import { asWebAuthnFailure, WebAuthnFailure } from './webauthn-failure';

export class PasskeyMethod implements SecondFactorMethod {
  readonly kind = 'PASSKEY' as const;

  constructor(
    private readonly rp: RelyingParty,
    private readonly logger: Logger,
  ) {}

  async requiresSecondStep(em: EntityManager, user: User): Promise<boolean> {
    return this.rp.enabled && (await em.count(Passkey, { user })) > 0;
  }

  offered(em: EntityManager, user: User): Promise<boolean> {
    return this.requiresSecondStep(em, user);
  }

  async extensions(em: EntityManager, user: User, challenge: PendingChallenge): Promise<Record<string, unknown>> {
    const passkeys = await em.find(Passkey, { user }, { fields: ['credentialId', 'transports'] });
    const issued = await authenticationOptions({
      rpId: this.rp.id,
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
    });
    // Its own unit of work: the gate throws right after, and nothing else of this request may be flushed with it.
    await storeChallenge(em.fork(), 'second_factor', issued.challenge, { user, pendingId: challenge.id });
    return { passkeyOptions: issued.options };
  }

  answers(answer: SecondFactorAnswer): boolean {
    return answer.passkeyResponse !== undefined && answer.passkeyResponse !== null;
  }

  async verify(em: EntityManager, user: User, answer: SecondFactorAnswer, challenge: PendingChallenge): Promise<readonly string[]> {
    try {
      const sent = clientChallenge(answer.passkeyResponse);
      const taken = sent === null ? null : await takeChallenge(em, { challenge: sent, purpose: 'second_factor', userId: user.id, pendingId: challenge.id });
      if (!taken) throw new WebAuthnFailure('challenge', 'no live second-step challenge for this sign-in');
      const { amr } = await checkAssertion(em, this.rp, answer.passkeyResponse, taken.challenge, user.id);
      return [amr];
    } catch (err) {
      const failure = asWebAuthnFailure(err);
      this.logger.warn(
        { event: 'passkey', step: 'second_factor', userId: user.id, reason: failure.reason, detail: failure.detail },
        'passkey second step refused',
      );
      throw new AppError('SECOND_FACTOR_INVALID');
    }
  }

  /** resetSecondFactors (the optional SecondFactorMethod.reset A13 adds): every passkey goes. */
  async reset(em: EntityManager, user: User): Promise<void> {
    await em.nativeDelete(Passkey, { user });
  }
}
