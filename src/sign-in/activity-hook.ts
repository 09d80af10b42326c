// The sign-in pipeline's record of every session start and failed attempt:
// an audit row and a session.created event, written by the pipeline's one
// flush with the session itself (or not at all). A failure changes nothing
// else, so its audit row is written on its own.
import type { AuditLog } from '../audit/audit-log';
import { scopedFork } from '../db/entity-manager';
import type { Orm } from '../db/orm';
import { AppError } from '../errors';
import type { Outbox } from '../events/outbox';
import type { SignInAttempt, SignInHook } from './attempt';

/** Registration and the session a password change starts are not sign-ins the audit log calls so (they have their own rows). */
const isSignIn = (method: SignInAttempt['method']) => method !== 'register' && method !== 'password_change';

export function activityHook(orm: Orm, audit: AuditLog, outbox: Outbox): SignInHook {
  return {
    name: 'activity',
    async afterSession({ em, user, attempt, issued }) {
      if (isSignIn(attempt.method)) audit.record(em, { action: 'sign_in', actor: user, detail: { method: attempt.method, sessionId: issued.session.id } });
      await outbox.emit(em, 'session.created', { userId: String(user.id), sessionId: issued.session.id, method: attempt.method });
    },
    async onFailure(attempt, error) {
      if (!isSignIn(attempt.method)) return;
      const code = error instanceof AppError ? error.code : 'ERROR';
      const entry = {
        action: 'sign_in',
        actor: 'anonymous',
        userId: attempt.subject ?? null,
        outcome: 'failure',
        detail: { method: attempt.method, code },
      } as const;
      await audit.recordAlone(scopedFork(orm.em, attempt.client), entry);
    },
  };
}
