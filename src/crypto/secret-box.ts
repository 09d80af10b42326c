// Secrets at rest (TOTP secrets now; Apple refresh tokens and .p8 keys next):
// AES-256-GCM under a key derived for one purpose (derive-key.ts), a random
// 96-bit nonce per message, and associated data naming the row it belongs to
// (e.g. `user:42:totp`), so a ciphertext copied to another row, another user
// or another purpose does not open. Format: `v1.<nonce>.<ciphertext‖tag>`,
// base64url. Sealing uses the current master secret; opening tries the
// previous ones too and says so, so the caller can re-seal on read.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKeys, type KeyPurpose, type MasterSecrets } from './derive-key';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/** `malformed`: not something this module wrote; `unauthentic`: no key opens it for this purpose and AAD (tampered, moved, or its key is gone). */
export class SecretBoxError extends Error {
  constructor(readonly reason: 'malformed' | 'unauthentic') {
    super(`secret box: ${reason}`);
    this.name = 'SecretBoxError';
  }
}

export interface Opened {
  plaintext: Buffer;
  /** Opened with a previous master secret: seal it again to finish a rotation. */
  stale: boolean;
}

export class SecretBox {
  private readonly keys: Buffer[];

  constructor(secrets: MasterSecrets, purpose: KeyPurpose) {
    this.keys = deriveKeys(secrets, purpose);
  }

  seal(plaintext: Uint8Array | string, aad: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associated(aad));
    const body = Buffer.concat([
      cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${VERSION}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Throws SecretBoxError; never returns unauthenticated bytes. */
  open(sealed: string, aad: string): Opened {
    const m = FORMAT.exec(sealed);
    if (!m) throw new SecretBoxError('malformed');
    const nonce = Buffer.from(m[1], 'base64url');
    const body = Buffer.from(m[2], 'base64url');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new SecretBoxError('malformed');
    for (const [i, key] of this.keys.entries()) {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(associated(aad));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        const plaintext = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
        return { plaintext, stale: i > 0 };
      } catch {
        // Wrong key, purpose or AAD, or tampered bytes: GCM cannot tell which. Try the next key.
      }
    }
    throw new SecretBoxError('unauthentic');
  }
}

// The version joins the AAD so a later format can never be fed to this one's reader.
function associated(aad: string): Buffer {
  if (aad.length === 0) throw new Error('secret box: the associated data must name the row it belongs to');
  return Buffer.from(`${VERSION}\0${aad}`, 'utf8');
}
