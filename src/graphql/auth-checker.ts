// type-graphql's @Authorized(): a signed-in, active user, and staff for
// @Authorized('STAFF'). Failures throw catalogue errors so the client learns
// why (the UNAUTHENTICATED reason tells an Apollo link whether to refresh).
import type { AuthChecker } from 'type-graphql';
import { AppError } from '../errors';
import type { Context } from './context';

export type Role = 'STAFF' | 'SUPERUSER';

export const authChecker: AuthChecker<Context, Role> = async ({ context }, roles) => {
  const viewer = await context.requireViewer();
  if (roles.includes('SUPERUSER') && !viewer.isSuperuser) throw new AppError('FORBIDDEN');
  if (roles.includes('STAFF') && !viewer.isStaff && !viewer.isSuperuser) throw new AppError('FORBIDDEN');
  return true;
};
