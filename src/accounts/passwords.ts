// Password hashing with argon2id at OWASP's minimum (19 MiB, t=2, p=1).
// @node-rs/argon2 runs each hash on libuv's thread pool, so a sign-in never
// stalls the event loop for other requests. Every hash, native or imported
// from Django, passes one HashGate, and none asks for more work than the caps.

import { randomBytes } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { Metrics } from '../metrics';
import { argon2WithinCaps, djangoCheck } from './django-hashers';
import { HashGate } from './hash-gate';

const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** Prefix Django uses for unusable passwords; such a hash never verifies. */
const UNUSABLE_PREFIX = '!';

export class PasswordHasher {
  private dummy?: Promise<string>;
  private readonly gate: HashGate;

  /** `concurrency`: hashes computed at once (PASSWORD_HASH_CONCURRENCY). */
  constructor(concurrency = 1, metrics?: Metrics) {
    this.gate = new HashGate(concurrency, metrics);
  }

  hash(password: string): Promise<string> {
    return this.gate.run('argon2', () => hash(password, PARAMS));
  }

  /** True when `password` matches; unusable, unknown and over-cap hashes never match. */
  async verify(storedHash: string | null | undefined, password: string): Promise<boolean> {
    // Imported from Django (manage import-django); re-hashed with ours on success since needsRehash is true.
    const imported = storedHash ? djangoCheck(storedHash) : null;
    if (imported && !imported.overCap) return this.gate.run(imported.scheme, () => imported.verify(password)).catch(() => false);
    if (!imported && storedHash?.startsWith('$argon2') && argon2WithinCaps(storedHash)) {
      return this.gate.run('argon2', () => verify(storedHash, password)).catch(() => false);
    }
    // Spend the same time as a real check so the answer does not reveal
    // that the account has no usable password (or does not exist).
    await this.burn(password);
    return false;
  }

  /** Hash work with nothing to compare: keeps unknown-user sign-ins as slow as real ones. */
  async burn(password: string): Promise<void> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    const dummy = await this.dummy;
    await this.gate.run('argon2', () => verify(dummy, password)).catch(() => false);
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
