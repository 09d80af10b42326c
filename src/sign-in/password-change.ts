// changePassword answers with a fresh session: the account operation ends
// every session (the old password's), then the pipeline starts the new one,
// as it starts every session. The new session keeps what the caller's
// session proved (its amr, with `pwd`): a password change is no way around
// a second factor, nor a reason to ask for it again.
import type { EntityManager } from '@mikro-orm/core';
import type { User } from '../entities';
import type { ClientMeta, IssuedSession } from '../sessions/sessions';
import type { SignInPipeline } from './pipeline';

export interface PasswordChanger {
  changePassword(em: EntityManager, user: User, oldPassword: string, newPassword: string): Promise<void>;
}

export class PasswordChangeSignIn {
  constructor(
    private readonly accounts: PasswordChanger,
    private readonly pipeline: SignInPipeline,
  ) {}

  async changePassword(
    em: EntityManager,
    user: User,
    oldPassword: string,
    newPassword: string,
    client: ClientMeta,
    sessionAmr: readonly string[] = [],
  ): Promise<IssuedSession> {
    await this.accounts.changePassword(em, user, oldPassword, newPassword);
    return this.pipeline.complete(em, user, { method: 'password_change', client, amr: [...new Set(['pwd', ...sessionAmr])] });
  }
}
