// Password hashing with argon2id at OWASP's minimum (19 MiB, t=2, p=1).
// @node-rs/argon2 runs each hash on libuv's thread pool, so a sign-in never
// stalls the event loop for other requests.
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { isDjangoHash, verifyDjangoHash } from './django-hashers';

const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** Prefix Django uses for unusable passwords; such a hash never verifies. */
const UNUSABLE_PREFIX = '!';

export class PasswordHasher {
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, PARAMS);
  }

  /** True when `password` matches; unusable and unknown formats never match. */
  async verify(storedHash: string | null | undefined, password: string): Promise<boolean> {
    // Imported from Django (manage import-django); re-hashed with ours on success since needsRehash is true.
    if (storedHash && isDjangoHash(storedHash)) return verifyDjangoHash(storedHash, password);
    if (!storedHash || !storedHash.startsWith('$argon2')) {
      // Spend the same time as a real check so the answer does not reveal
      // that the account has no usable password (or does not exist).
      await this.burn(password);
      return false;
    }
    try {
      return await verify(storedHash, password);
    } catch {
      return false;
    }
  }

  /** Hash work with nothing to compare: keeps unknown-user sign-ins as slow as real ones. */
  async burn(password: string): Promise<void> {
    this.dummy ??= hash(randomBytes(16).toString('hex'), PARAMS);
    await verify(await this.dummy, password).catch(() => false);
  }

  /** True when the hash was made with weaker parameters than today's and should be redone. */
  needsRehash(storedHash: string): boolean {
    return !storedHash.startsWith(`$argon2id$v=19$m=${PARAMS.memoryCost},t=${PARAMS.timeCost},p=${PARAMS.parallelism}$`);
  }

  static unusable(): string {
    return UNUSABLE_PREFIX + randomBytes(20).toString('base64url');
  }

  static isUsable(storedHash: string | null | undefined): boolean {
    return !!storedHash && !storedHash.startsWith(UNUSABLE_PREFIX);
  }
}
