// Staff user management (what DRF's ModelViewSet gave the Django project).
// Staff may manage ordinary users; only superusers grant or take away
// isStaff/isSuperuser, or touch a staff or superuser account (a staff member
// who could reset a colleague's password would have the colleague's access).
// A new password or a deactivation ends every session of the user (settle).
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log';
import { User } from '../entities';
import { AppError, badInput } from '../errors';
import type { Outbox } from '../events/outbox';
import type { SessionService } from '../sessions/sessions';
import { changedFields } from './account.service';
import { type AccountStore, assertUsernameNotForeignEmail, emailKey, type NewAccount, usernameKey } from './accounts';
import type { PasswordHasher } from './passwords';
import { deleteUser, type UserDeletion } from './user-deletion';

export interface StaffUserFields {
  email?: string | null;
  password?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  isActive?: boolean | null;
  emailVerified?: boolean | null;
  isStaff?: boolean | null;
  isSuperuser?: boolean | null;
}

const forbidden = (why: string) => new AppError('FORBIDDEN', why);
const FLAGS = ['firstName', 'lastName', 'isActive', 'emailVerified', 'isStaff', 'isSuperuser'] as const;

export class StaffAccounts {
  constructor(
    private readonly store: AccountStore,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly logger: Logger,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
    private readonly deletion?: UserDeletion,
  ) {}

  async create(em: EntityManager, actor: User, input: StaffUserFields & { username: string }): Promise<User> {
    if ((input.isStaff || input.isSuperuser) && !actor.isSuperuser) throw forbidden('Only superusers can grant isStaff or isSuperuser.');
    const fields: NewAccount = {
      username: input.username,
      email: input.email ?? null,
      password: input.password ?? null,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      isStaff: input.isStaff ?? false,
      isSuperuser: input.isSuperuser ?? false,
      emailVerified: input.emailVerified ?? false,
      via: 'staff',
      written: (tx, user) => this.audit.record(tx, { action: 'staff.user_created', actor, userId: user.id }),
    };
    const user = await this.store.create(em, fields);
    if (input.isActive === false) {
      user.isActive = false;
      await em.flush();
    }
    this.logger.info({ event: 'user_created', by: actor.id, userId: user.id }, 'user created by staff');
    return user;
  }

  /** Only the fields given change; `fields` names them for the log. */
  async update(em: EntityManager, actor: User, id: string, input: StaffUserFields & { username?: string | null }): Promise<User> {
    const user = await this.target(em, actor, id);
    const privileged = (input.isStaff != null && input.isStaff !== user.isStaff) || (input.isSuperuser != null && input.isSuperuser !== user.isSuperuser);
    if (privileged && !actor.isSuperuser) throw forbidden('Only superusers can grant or remove isStaff or isSuperuser.');
    this.store.validate({ username: input.username ?? user.username, email: input.email ?? null, password: input.password ?? null });
    if (input.username != null && usernameKey(input.username) !== user.usernameKey) assertUsernameNotForeignEmail(input.username, input.email ?? user.email);
    if (input.username != null) Object.assign(user, { username: input.username, usernameKey: usernameKey(input.username) });
    // A new address is unverified unless staff say otherwise in the same change.
    if (input.email != null && input.email !== user.email) Object.assign(user, { email: input.email, emailKey: emailKey(input.email), emailVerified: false });
    if (input.password != null) user.password = await this.passwords.hash(input.password);
    for (const key of FLAGS) {
      if (input[key] != null) (user as unknown as Record<string, unknown>)[key] = input[key];
    }
    const fields = changedFields(em, user);
    if (input.password != null) fields.push('password');
    if (fields.length > 0) {
      this.audit.record(em, { action: 'staff.user_updated', actor, userId: user.id, detail: { fields } });
      await this.outbox.emit(em, 'user.updated', { userId: String(user.id), fields });
    }
    if (input.password != null) await this.outbox.emit(em, 'password.changed', { userId: String(user.id), via: 'staff' });
    try {
      await em.flush(); // a new password or isActive=false bumps the token version
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw badInput(input.email != null ? 'email' : 'username', 'That username or email is taken.');
      throw err;
    }
    await this.settle(em, user, { passwordSet: input.password != null, deactivated: input.isActive === false });
    this.logger.info({ event: 'user_updated', by: actor.id, userId: user.id, fields: Object.keys(input) }, 'user updated by staff');
    return user;
  }

  async delete(em: EntityManager, actor: User, id: string): Promise<void> {
    if (Number(id) === actor.id) throw forbidden('Use deleteMe to delete your own account.');
    const user = await this.target(em, actor, id);
    await deleteUser(em, user.id, this.deletion, async (tx) => {
      this.audit.record(tx, { action: 'staff.user_deleted', actor, userId: user.id });
      await this.outbox.emit(tx, 'user.deleted', { userId: String(user.id) });
      await tx.nativeDelete(User, { id: user.id });
    });
    this.logger.info({ event: 'user_deleted', by: actor.id, userId: user.id }, 'user deleted by staff');
  }

  /** The user staff act on; their own account too: updateMe and changePassword re-check the password, this does not. */
  private async target(em: EntityManager, actor: User, id: string): Promise<User> {
    const user = /^\d{1,15}$/.test(id) ? await em.findOne(User, Number(id)) : null;
    if (!user) throw badInput('id', 'No user with that id.');
    if ((user.isStaff || user.isSuperuser) && !actor.isSuperuser) throw forbidden('Only superusers can change a staff member or a superuser.');
    return user;
  }

  /** What a written staff change owes: a new password or a deactivation ends every session (no mail: staff tell the user). */
  private async settle(em: EntityManager, user: User, change: { passwordSet: boolean; deactivated: boolean }): Promise<void> {
    if (change.passwordSet || change.deactivated) await this.sessions.revokeAll(em, user.id);
  }
}
