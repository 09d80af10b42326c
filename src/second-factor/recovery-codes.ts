// Recovery codes: 10 per set, each 50 random bits shown as `xxxxx-xxxxx` in
// Crockford's base32 (no i, l, o or u to misread; typed o/i/l are read as
// 0/1/1, and case, spaces and dashes are forgiven). Only an HMAC-SHA-256 of
// the normalised code under a server-derived key is stored: 50 random bits
// need no slow hash against guessing online (throttled), and the keyed hash
// makes a leaked database alone useless offline. Matching compares against
// every stored hash in constant time, under the current and previous keys.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { deriveKeys, type MasterSecrets } from '../crypto/derive-key';

export const RECOVERY_CODE_COUNT = 10;
const CHARS = 10; // × 5 bits = 50 bits
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const READ_AS: Record<string, string> = { o: '0', i: '1', l: '1' };

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    let raw = '';
    for (let i = 0; i < CHARS; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
    codes.add(formatRecoveryCode(raw));
  }
  return [...codes];
}

const formatRecoveryCode = (raw: string): string => `${raw.slice(0, 5)}-${raw.slice(5)}`;

/** The canonical 10 characters of what a user typed, or null when it cannot be a recovery code. */
export function normaliseRecoveryCode(input: string): string | null {
  const raw = [...input.toLowerCase().replace(/[\s-]+/g, '')].map((c) => READ_AS[c] ?? c).join('');
  return raw.length === CHARS && [...raw].every((c) => ALPHABET.includes(c)) ? raw : null;
}

export class RecoveryCodeHasher {
  private readonly keys: Buffer[];

  constructor(secrets: MasterSecrets) {
    this.keys = deriveKeys(secrets, 'recovery-code');
  }

  /** The hash to store (hex), under the current key. Throws on something that is not a code. */
  hash(code: string): string {
    const raw = normaliseRecoveryCode(code);
    if (raw === null) throw new Error('not a recovery code');
    return this.mac(this.keys[0], raw).toString('hex');
  }

  /**
   * Index in `storedHashes` of the one the input matches, or -1. Every
   * stored hash is compared under every key, with no early exit.
   */
  match(input: string, storedHashes: readonly string[]): number {
    const raw = normaliseRecoveryCode(input);
    if (raw === null) return -1;
    const candidates = this.keys.map((k) => this.mac(k, raw));
    let found = -1;
    storedHashes.forEach((stored, i) => {
      const s = Buffer.from(stored, 'hex');
      for (const c of candidates) if (s.length === c.length && timingSafeEqual(s, c) && found < 0) found = i;
    });
    return found;
  }

  private mac(key: Buffer, raw: string): Buffer {
    return createHmac('sha256', key).update(raw).digest();
  }
}
