// Any flushed change of a user's password, or deactivation, bumps the user's
// token version, so every access and refresh token issued before dies at
// once, whichever code path (resolver, CLI, admin script) made the change.
// (Bulk nativeUpdate calls bypass the unit of work and must bump it themselves.)
import type { EventSubscriber, FlushEventArgs } from '@mikro-orm/core';
import { ChangeSetType } from '@mikro-orm/core';
import { User } from './user.entity';

export class TokenVersionSubscriber implements EventSubscriber<User> {
  async onFlush({ uow }: FlushEventArgs): Promise<void> {
    for (const cs of uow.getChangeSets()) {
      if (cs.type !== ChangeSetType.UPDATE || !(cs.entity instanceof User)) continue;
      const payload = cs.payload as Partial<User>;
      if ('password' in payload || payload.isActive === false) {
        cs.entity.tokenVersion += 1;
        uow.recomputeSingleChangeSet(cs.entity);
      }
    }
  }
}
