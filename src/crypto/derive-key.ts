// Purpose-bound keys from the server's master secret (HKDF-SHA256, RFC 5869).
// Every use of a derived key is named in KeyPurpose, the one list, so two
// features can never share a key by accident: a ciphertext or MAC made for
// one purpose is worthless to every other. Rotation: the current master
// secret makes new keys; previous ones only read what they made.
import { hkdfSync } from 'node:crypto';

/** Add a label here for each new use; never rename one (data made with it would no longer open). */
export type KeyPurpose =
  | 'totp-secret' // SecretBox: TOTP secrets at rest
  | 'recovery-code' // HMAC key: recovery code hashes
  | 'webauthn-user-handle' // HMAC key: WebAuthn user handles from user ids
  | 'sign-in-code' // HMAC key: email sign-in code hashes
  | 'apple-private-key' // SecretBox: the Sign in with Apple .p8 key on the SocialApp
  | 'apple-refresh-token' // SecretBox: Apple refresh tokens on SocialAccount, kept to revoke them
  | 'webhook-secret'; // SecretBox: webhook signing secrets at rest

export type MasterSecret = string | Uint8Array;

/** The current master secret first, then any previous ones still accepted for reading. */
export interface MasterSecrets {
  current: MasterSecret;
  previous?: readonly MasterSecret[];
}

const SALT = Buffer.from('authql derived keys v1');

export function deriveKey(master: MasterSecret, purpose: KeyPurpose, bytes = 32): Buffer {
  const ikm = typeof master === 'string' ? Buffer.from(master, 'utf8') : Buffer.from(master);
  if (ikm.length === 0) throw new Error('deriveKey: the master secret is empty');
  return Buffer.from(hkdfSync('sha256', ikm, SALT, `authql:${purpose}`, bytes));
}

/** The derived keys of every master secret, current first (duplicates dropped). */
export function deriveKeys(secrets: MasterSecrets, purpose: KeyPurpose): Buffer[] {
  const keys = [secrets.current, ...(secrets.previous ?? [])].map((m) => deriveKey(m, purpose));
  return keys.filter((k, i) => keys.findIndex((o) => o.equals(k)) === i);
}
