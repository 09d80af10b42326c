import { newRecoveryCodes, normaliseRecoveryCode, RECOVERY_CODE_COUNT, RecoveryCodeHasher } from '../../src/second-factor/recovery-codes';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

test('10 distinct codes of 50 bits, xxxxx-xxxxx in Crockford base32', () => {
  const codes = newRecoveryCodes();
  expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
  expect(new Set(codes).size).toBe(10);
  for (const c of codes) expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  expect(ALPHABET).toHaveLength(32); // 10 × log2(32) = 50 bits
  // Every character of the alphabet turns up: the draw is not biased to a subset.
  const seen = new Set(newRecoveryCodes(200).join('').replace(/-/g, ''));
  expect([...seen].sort().join('')).toBe(ALPHABET);
});

test('what users type is normalised: case, dashes, spaces, and o/i/l read as 0/1/1', () => {
  expect(normaliseRecoveryCode('abcde-fgh01')).toBe('abcdefgh01');
  expect(normaliseRecoveryCode('  ABCDE FGH01 ')).toBe('abcdefgh01');
  expect(normaliseRecoveryCode('abcde--fghoi')).toBe('abcdefgh01');
  expect(normaliseRecoveryCode('ABCDEFGHOL')).toBe('abcdefgh01');
  for (const bad of ['', 'abcde-fgh0', 'abcde-fgh012', 'abcde-fghu1', 'abcde_fgh01', 'abcde-fgh0é']) expect(normaliseRecoveryCode(bad)).toBeNull();
});

test('stored hashed; the typed code matches its own hash only', () => {
  const hasher = new RecoveryCodeHasher({ current: 'server-master-secret' });
  const codes = newRecoveryCodes();
  const stored = codes.map((c) => hasher.hash(c));
  expect(stored[0]).toMatch(/^[0-9a-f]{64}$/);
  expect(stored.join()).not.toContain(codes[0].replace('-', ''));
  expect(hasher.match(codes[3], stored)).toBe(3);
  expect(hasher.match(codes[3].toUpperCase().replace('-', ' '), stored)).toBe(3);
  expect(hasher.match('00000-00000', stored)).toBe(-1);
  expect(hasher.match('not a code', stored)).toBe(-1);
  expect(hasher.match(codes[3], [])).toBe(-1);
  expect(() => hasher.hash('nope')).toThrow();
  // The key is the server's: another master secret's hashes are not these.
  expect(new RecoveryCodeHasher({ current: 'another-secret' }).match(codes[3], stored)).toBe(-1);
});

test('codes hashed before a rotation still match under the previous secret', () => {
  const code = newRecoveryCodes(1)[0];
  const stored = [new RecoveryCodeHasher({ current: 'old-secret' }).hash(code)];
  const rotated = new RecoveryCodeHasher({ current: 'new-secret', previous: ['old-secret'] });
  expect(rotated.match(code, stored)).toBe(0);
  expect(rotated.hash(code)).not.toBe(stored[0]);
});
