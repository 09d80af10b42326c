// What else must happen when a user is deleted, told before the rows go
// (deleting the user cascades to what they own, so whatever is needed must be
// read first) and done after, so it can never block or undo the deletion.
// Today: revoking the user's Apple tokens (social/apple-tokens.ts).
import type { EntityManager } from '@mikro-orm/core';

export interface UserDeletion {
  /** Reads what it needs of `userId`'s rows; the returned step runs once they are deleted, and must not throw. */
  prepare(em: EntityManager, userId: number): Promise<() => void>;
}

/**
 * Deletes the user in one transaction (`remove` deletes the row and writes
 * what goes with it: the audit row, the webhook event), with every
 * UserDeletion told before, and its after-step run only once that commits.
 */
export async function deleteUser(
  em: EntityManager,
  userId: number,
  deletion: UserDeletion | undefined,
  remove: (tx: EntityManager) => Promise<unknown>,
): Promise<void> {
  const after = await em.transactional(async (tx) => {
    const step = await deletion?.prepare(tx, userId);
    await remove(tx);
    return step;
  });
  after?.();
}
