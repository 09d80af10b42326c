// Password hashing with argon2id at OWASP's minimum (19 MiB, t=2, p=1).
// @node-rs/argon2 runs each hash on libuv's thread pool, so a sign-in never
// stalls the event loop for other requests.
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { isDjangoHash, verifyDjangoHash } from './django-hashers';

const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** Prefix Django uses for unusable passwords; such a hash never verifies. */
const UNUSABLE_PREFIX = '!';
/**
 * How many hashes run at once. Each holds 19 MiB, and beyond one per core
 * they only queue on libuv's pool (4 threads), where SQLite's queries then
 * wait behind them; one pool thread always stays free for the database.
 */
const MAX_CONCURRENT_HASHES = Math.max(1, Math.min(availableParallelism(), 3));

/** A counting semaphore: at most `size` tasks run at once, the others wait in order. */
class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.size) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next task
      else this.running--;
    }
  }
}

export class PasswordHasher {
  private dummy?: Promise<string>;
  private readonly gate = new Gate(MAX_CONCURRENT_HASHES);

  hash(password: string): Promise<string> {
    return this.gate.run(() => hash(password, PARAMS));
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
      return await this.gate.run(() => verify(storedHash, password));
    } catch {
      return false;
    }
  }

  /** Hash work with nothing to compare: keeps unknown-user sign-ins as slow as real ones. */
  async burn(password: string): Promise<void> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    const dummy = await this.dummy;
    await this.gate.run(() => verify(dummy, password)).catch(() => false);
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
