// A user's set of recovery codes: 10 at a time, only keyed hashes stored
// (recovery-codes.ts), each spent once by a conditional update. A new set
// replaces the old one whole, so a leaked old sheet stops working.
import type { EntityManager } from '@mikro-orm/core';
import type { MasterSecrets } from '../crypto/derive-key';
import { RecoveryCode, type User } from '../entities';
import { newRecoveryCodes, RecoveryCodeHasher } from './recovery-codes';

export class RecoveryCodeStore {
  private readonly hasher: RecoveryCodeHasher;

  constructor(secrets: MasterSecrets) {
    this.hasher = new RecoveryCodeHasher(secrets);
  }

  /** Replaces the user's codes with a fresh set; returns them, to show once. Written with the caller's flush. */
  async replace(em: EntityManager, user: User): Promise<string[]> {
    await em.nativeDelete(RecoveryCode, { user: user.id });
    const codes = newRecoveryCodes();
    const now = new Date();
    for (const code of codes) em.create(RecoveryCode, { user, codeHash: this.hasher.hash(code), createdAt: now });
    return codes;
  }

  left(em: EntityManager, user: User): Promise<number> {
    return em.count(RecoveryCode, { user: user.id, usedAt: null });
  }

  /** Spends the code typed; the number left after it, or null when it is not one of the user's unused codes. */
  async spend(em: EntityManager, user: User, input: string): Promise<number | null> {
    const unused = await em.find(RecoveryCode, { user: user.id, usedAt: null }, { orderBy: { id: 'asc' } });
    const i = this.hasher.match(
      input,
      unused.map((c) => c.codeHash),
    );
    if (i < 0) return null;
    const spent = await em.nativeUpdate(RecoveryCode, { id: unused[i].id, usedAt: null }, { usedAt: new Date() });
    return spent === 1 ? unused.length - 1 : null;
  }

  async drop(em: EntityManager, user: User): Promise<void> {
    await em.nativeDelete(RecoveryCode, { user: user.id });
  }
}
