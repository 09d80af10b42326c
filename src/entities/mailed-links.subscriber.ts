// Any flushed change of a user's email deletes every reset and verification
// token and the sign-in code the user has outstanding, whichever code path
// (updateMe, staff, CLI) made it. The HMAC binding already kills a link once the address
// differs; deleting also keeps an old link dead when the address changes back.
import { ChangeSetType, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import { OneTimeToken } from './one-time-token.entity';
import { SignInCode } from './sign-in-code.entity';
import { User } from './user.entity';

export class MailedLinksSubscriber implements EventSubscriber<User> {
  async onFlush({ em, uow }: FlushEventArgs): Promise<void> {
    const moved = uow
      .getChangeSets()
      .filter((cs) => cs.type === ChangeSetType.UPDATE && cs.entity instanceof User && ('email' in cs.payload || 'emailKey' in cs.payload))
      .map((cs) => (cs.entity as User).id);
    // Before the user's row is written: should that write fail, the links are merely gone early.
    if (moved.length === 0) return;
    await em.nativeDelete(OneTimeToken, { user: { $in: moved } });
    await em.nativeDelete(SignInCode, { user: { $in: moved } });
  }
}
