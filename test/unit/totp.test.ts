import { base32Decode, base32Encode, hotp, newTotpSecret, otpauthUri, totpStep, verifyTotp } from '../../src/second-factor/totp';

const RFC_KEY = Buffer.from('12345678901234567890'); // the SHA-1 seed of RFC 4226 and RFC 6238
const at = (seconds: number) => seconds * 1000;

test('HOTP matches RFC 4226 appendix D', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expect(expected.map((_, counter) => hotp(RFC_KEY, counter))).toEqual(expected);
});

test('TOTP matches RFC 6238 appendix B (SHA-1, 8 digits), and verifyTotp accepts their 6-digit forms', () => {
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [seconds, code] of vectors) {
    expect(hotp(RFC_KEY, totpStep(at(seconds)), 8)).toBe(code);
    expect(verifyTotp(RFC_KEY, code.slice(2), at(seconds), null)).toBe(totpStep(at(seconds)));
  }
});

test('one step of drift either way, not two', () => {
  const now = at(1234567890);
  const step = totpStep(now);
  expect(verifyTotp(RFC_KEY, hotp(RFC_KEY, step - 1), now, null)).toBe(step - 1);
  expect(verifyTotp(RFC_KEY, hotp(RFC_KEY, step + 1), now, null)).toBe(step + 1);
  expect(verifyTotp(RFC_KEY, hotp(RFC_KEY, step - 2), now, null)).toBeNull();
  expect(verifyTotp(RFC_KEY, hotp(RFC_KEY, step + 2), now, null)).toBeNull();
});

test('a code is accepted once: its step and every earlier step are refused after it', () => {
  const now = at(1234567890);
  const step = totpStep(now);
  const previous = hotp(RFC_KEY, step - 1);
  const last = verifyTotp(RFC_KEY, previous, now, null);
  expect(last).toBe(step - 1);
  expect(verifyTotp(RFC_KEY, previous, now, last)).toBeNull(); // the same code again
  expect(verifyTotp(RFC_KEY, hotp(RFC_KEY, step), now, last)).toBe(step); // the next one is fine
  expect(verifyTotp(RFC_KEY, previous, now, step)).toBeNull(); // an older one after a newer one
});

test('a code that matches two steps counts as the later one, so it cannot be used twice', () => {
  // Found by search: with the RFC key, steps 910737 and 910738 both give 911617.
  expect(hotp(RFC_KEY, 910737)).toBe('911617');
  expect(hotp(RFC_KEY, 910738)).toBe('911617');
  const now = at(910738 * 30);
  expect(verifyTotp(RFC_KEY, '911617', now, null)).toBe(910738);
  expect(verifyTotp(RFC_KEY, '911617', now, 910738)).toBeNull();
});

test('malformed codes are refused; spaces are forgiven', () => {
  const now = at(59);
  expect(verifyTotp(RFC_KEY, '287 082', now, null)).toBe(1);
  for (const bad of ['', '28708', '2870822', '28708a', '٢٨٧٠٨٢', '-287082', '287082\n1']) expect(verifyTotp(RFC_KEY, bad, now, null)).toBeNull();
  expect(verifyTotp(RFC_KEY, '755224', at(15), null)).toBe(0); // step 0 has no step -1 to look at
});

test('base32 is RFC 4648 (unpadded), decoding forgives case, spaces and padding', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  for (const [plain, encoded] of vectors) {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(base32Decode(encoded)?.toString()).toBe(plain);
  }
  expect(base32Decode('mzxw 6ytb oi======')?.toString()).toBe('foobar');
  expect(base32Decode('MZXW1')).toBeNull();
  const secret = newTotpSecret();
  expect(secret).toHaveLength(20);
  expect(base32Encode(secret)).toMatch(/^[A-Z2-7]{32}$/);
  expect(base32Decode(base32Encode(secret))).toEqual(secret);
});

test('the otpauth URI percent-encodes the label and repeats the issuer', () => {
  const uri = otpauthUri('Acme & Co', 'alice+test@example.com', Buffer.from('12345678901234567890'));
  expect(uri).toBe(
    'otpauth://totp/Acme%20%26%20Co:alice%2Btest%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20%26%20Co&algorithm=SHA1&digits=6&period=30',
  );
  const parsed = new URL(uri);
  expect(parsed.protocol).toBe('otpauth:');
  expect(parsed.searchParams.get('issuer')).toBe('Acme & Co');
  expect(decodeURIComponent(parsed.pathname.slice(1))).toBe('Acme & Co:alice+test@example.com');
  // A colon inside a part is escaped, so the label still has exactly one separator.
  expect(otpauthUri('a:b', 'c:d', RFC_KEY)).toContain('/a%3Ab:c%3Ad?');
});
