// Password hashes imported from Django (`manage import-django`), checked as
// Django checks them so nobody has to reset a password; AccountService then
// re-hashes with argon2id at the first successful sign-in (needsRehash says
// yes to anything that is not today's argon2id). Supported: pbkdf2_sha256 and
// pbkdf2_sha1 (node:crypto, on the thread pool), argon2 (Django wraps a PHC
// string; @node-rs/argon2 checks it) and bcrypt_sha256/bcrypt (bcryptjs).
// md5, sha1, crypt and unsalted hashes are not accepted: the importer makes
// those passwords unusable.
import { compare as bcryptCompare } from 'bcryptjs';
import { verify as argon2Verify } from '@node-rs/argon2';
import { createHash, pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** Work factors above these are refused rather than computed: a hostile row must not stall sign-ins. */
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_BCRYPT_COST = 16;

const PBKDF2 = /^pbkdf2_(sha256|sha1)\$(\d{1,9})\$([^$]+)\$([A-Za-z0-9+/]+={0,2})$/;
const ARGON2 = /^argon2(\$argon2(?:id|i|d)\$.+)$/;
const BCRYPT = /^(bcrypt_sha256|bcrypt)\$(\$2[abxy]?\$(\d{2})\$[./A-Za-z0-9]{53})$/;

/** True for a Django hash this module can check. */
export function isDjangoHash(encoded: string): boolean {
  return PBKDF2.test(encoded) || ARGON2.test(encoded) || BCRYPT.test(encoded);
}

/** Checks `password` against a Django hash; false for a wrong password and for anything malformed. */
export async function verifyDjangoHash(encoded: string, password: string): Promise<boolean> {
  try {
    const pbkdf = PBKDF2.exec(encoded);
    if (pbkdf) {
      const [, digest, iterations, salt, b64] = pbkdf;
      const expected = Buffer.from(b64, 'base64');
      const n = Number(iterations);
      if (n < 1 || n > MAX_PBKDF2_ITERATIONS || expected.length !== (digest === 'sha256' ? 32 : 20)) return false;
      // Django: base64(pbkdf2_hmac(digest, utf8(password), utf8(salt), iterations)), dklen = digest size.
      const actual = await pbkdf2Async(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), n, expected.length, digest);
      return timingSafeEqual(actual, expected);
    }
    const argon = ARGON2.exec(encoded);
    if (argon) return await argon2Verify(argon[1], password);
    const bcrypt = BCRYPT.exec(encoded);
    if (bcrypt) {
      const [, algorithm, hash, cost] = bcrypt;
      if (Number(cost) > MAX_BCRYPT_COST) return false;
      // bcrypt_sha256 feeds bcrypt the hex SHA-256 of the password, so long passwords are not cut at 72 bytes.
      const input = algorithm === 'bcrypt_sha256' ? createHash('sha256').update(password, 'utf8').digest('hex') : password;
      return await bcryptCompare(input, hash);
    }
  } catch {
    /* a malformed hash never verifies */
  }
  return false;
}

/** How the importer treats a Django `password` column. */
export function djangoHashKind(encoded: string): 'usable' | 'unusable' | 'unsupported' {
  if (encoded === '' || encoded.startsWith('!')) return 'unusable';
  return isDjangoHash(encoded) ? 'usable' : 'unsupported';
}
