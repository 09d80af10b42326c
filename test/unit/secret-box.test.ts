import { deriveKey } from '../../src/crypto/derive-key';
import { SecretBox, SecretBoxError } from '../../src/crypto/secret-box';

const MASTER = 'a'.repeat(64);
const AAD = 'user:42:totp';

function refused(run: () => unknown, reason: 'malformed' | 'unauthentic') {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(SecretBoxError);
    expect((e as SecretBoxError).reason).toBe(reason);
    return;
  }
  throw new Error('expected a SecretBoxError');
}

test('round trip, a fresh nonce each time, in the v1 format', () => {
  const box = new SecretBox({ current: MASTER }, 'totp-secret');
  const secret = Buffer.from('12345678901234567890');
  const a = box.seal(secret, AAD);
  const b = box.seal(secret, AAD);
  expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
  expect(a).not.toBe(b);
  expect(Buffer.from(a.split('.')[2], 'base64url')).toHaveLength(secret.length + 16); // ciphertext ‖ 128-bit tag
  expect(box.open(a, AAD)).toEqual({ plaintext: secret, stale: false });
  expect(box.open(box.seal('', AAD), AAD).plaintext).toHaveLength(0);
  expect(box.open(box.seal('é✓', AAD), AAD).plaintext.toString()).toBe('é✓');
});

test('any changed byte is refused', () => {
  const box = new SecretBox({ current: MASTER }, 'totp-secret');
  const sealed = box.seal('secret', AAD);
  const [v, nonce, body] = sealed.split('.');
  const flip = (part: string, i: number) => {
    const bytes = Buffer.from(part, 'base64url');
    bytes[i] ^= 0x01;
    return bytes.toString('base64url');
  };
  refused(() => box.open(`${v}.${flip(nonce, 0)}.${body}`, AAD), 'unauthentic');
  refused(() => box.open(`${v}.${nonce}.${flip(body, 0)}`, AAD), 'unauthentic'); // ciphertext
  refused(() => box.open(`${v}.${nonce}.${flip(body, Buffer.from(body, 'base64url').length - 1)}`, AAD), 'unauthentic'); // tag
  const cut = Buffer.from(body, 'base64url').subarray(1).toString('base64url');
  refused(() => box.open(`${v}.${nonce}.${cut}`, AAD), 'unauthentic');
  for (const bad of [
    '',
    'v2' + sealed.slice(2),
    `v1.${nonce}`,
    `v1.${nonce}.${body}.x`,
    `v1.${nonce}.short`,
    sealed.replace('.', '..'),
    `v1.${nonce}+.${body}`,
  ])
    refused(() => box.open(bad, AAD), 'malformed');
});

test('a ciphertext does not open for another row or another purpose', () => {
  const totp = new SecretBox({ current: MASTER }, 'totp-secret');
  const sealed = totp.seal('secret', 'user:42:totp');
  refused(() => totp.open(sealed, 'user:43:totp'), 'unauthentic');
  refused(() => totp.open(sealed, 'user:42:totp '), 'unauthentic');
  // The same master secret under another purpose is another key.
  const other = new SecretBox({ current: MASTER }, 'recovery-code');
  refused(() => other.open(sealed, 'user:42:totp'), 'unauthentic');
  expect(deriveKey(MASTER, 'totp-secret').equals(deriveKey(MASTER, 'recovery-code'))).toBe(false);
  expect(() => totp.seal('secret', '')).toThrow(/associated data/);
});

test('rotation: seal with the current secret, open with previous ones, and say which', () => {
  const before = new SecretBox({ current: 'old-master-secret' }, 'totp-secret');
  const oldSealed = before.seal('secret', AAD);
  const rotated = new SecretBox({ current: 'new-master-secret', previous: ['old-master-secret'] }, 'totp-secret');
  const opened = rotated.open(oldSealed, AAD);
  expect(opened).toEqual({ plaintext: Buffer.from('secret'), stale: true });
  const resealed = rotated.seal(opened.plaintext, AAD);
  expect(rotated.open(resealed, AAD).stale).toBe(false);
  // New ciphertexts are the new secret's only: the old one alone cannot read them.
  refused(() => before.open(resealed, AAD), 'unauthentic');
  // Once the old secret is dropped, what it sealed is gone.
  refused(() => new SecretBox({ current: 'new-master-secret' }, 'totp-secret').open(oldSealed, AAD), 'unauthentic');
  // A master secret may be bytes; the same bytes as a string are the same key.
  expect(new SecretBox({ current: Buffer.from('old-master-secret') }, 'totp-secret').open(oldSealed, AAD).plaintext.toString()).toBe('secret');
  expect(() => new SecretBox({ current: '' }, 'totp-secret')).toThrow(/empty/);
});
