// type-graphql's @Authorized(): a signed-in, active user, and staff for
// @Authorized('STAFF'). Failures throw catalogue errors so the client learns
// why (the UNAUTHENTICATED reason tells an Apollo link whether to refresh).
// With MFA_REQUIRED_FOR_STAFF, staff powers also need the access token's
// session to have proven a second factor (`mfa` in its amr): read from the
// signed token, no second lookup (a session's amr never changes).
import type { AuthChecker } from 'type-graphql';
import { AppError, withReason } from '../errors';
import type { Context } from './context';

export type Role = 'STAFF' | 'SUPERUSER';

export const authChecker: AuthChecker<Context, Role> = async ({ context }, roles) => {
  const viewer = await context.requireViewer();
  if (roles.includes('SUPERUSER') && !viewer.isSuperuser) throw new AppError('FORBIDDEN');
  if (roles.includes('STAFF') && !viewer.isStaff && !viewer.isSuperuser) throw new AppError('FORBIDDEN');
  if (roles.length > 0 && context.services.config.secondFactor.requiredForStaff) {
    const amr = context.auth.kind === 'token' ? (context.auth.claims.amr ?? []) : [];
    if (!amr.includes('mfa')) throw withReason('FORBIDDEN', 'SECOND_FACTOR_REQUIRED', 'Staff powers need a session signed in with a second factor.');
  }
  return true;
};
