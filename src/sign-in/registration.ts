// Registration's sign-in: throttle per client → the account is made (with
// its mails; accounts/registration.ts) → the pipeline, unless the email must
// be confirmed first (ACCOUNT_EMAIL_VERIFICATION=mandatory): then nothing is
// signed in and no tokens are issued.
import type { EntityManager } from '@mikro-orm/core';
import type { NewAccount } from '../accounts/accounts';
import type { Registration } from '../accounts/registration';
import type { User } from '../entities';
import type { ClientMeta, IssuedSession } from '../sessions/sessions';
import { throttleSubject } from '../throttle/client-subject';
import type { RateLimiter } from '../throttle/rate-limiter';
import type { SignInPipeline } from './pipeline';

export interface Registrar {
  /** `signIn` runs inside the account's own transaction. */
  register(em: EntityManager, input: NewAccount & { email: string }, signIn?: (tx: EntityManager, user: User) => Promise<void>): Promise<Registration>;
}

export interface RegistrationResult extends Registration {
  /** Null when the email must be confirmed before the account can sign in. */
  issued: IssuedSession | null;
}

export class RegistrationSignIn {
  constructor(
    private readonly registrar: Registrar,
    private readonly rateLimiter: RateLimiter,
    private readonly pipeline: SignInPipeline,
    private readonly verificationMandatory: boolean,
  ) {}

  async register(em: EntityManager, input: NewAccount & { email: string }, client: ClientMeta): Promise<RegistrationResult> {
    await this.rateLimiter.consume(['register', throttleSubject(client.ip)]);
    if (this.verificationMandatory) return { ...(await this.registrar.register(em, input)), issued: null };
    // The session commits with the account: an answered error leaves no account behind to block the retry.
    let issued: IssuedSession | null = null;
    const registration = await this.registrar.register(em, input, async (tx, user) => {
      issued = await this.pipeline.complete(tx, user, { method: 'register', client });
    });
    return { ...registration, issued };
  }
}
