// Password hashes imported from Django (`manage import-django`), checked as
// Django checks them so nobody has to reset a password; AccountStore then
// re-hashes with argon2id at the first successful sign-in (needsRehash says
// yes to anything that is not today's argon2id). Supported: pbkdf2_sha256 and
// pbkdf2_sha1 (node:crypto), argon2 (Django wraps a PHC string;
// @node-rs/argon2) and bcrypt_sha256/bcrypt (@node-rs/bcrypt), all on libuv's
// thread pool, never on the event loop. md5, sha1, crypt and unsalted hashes
// are not accepted: the importer makes those passwords unusable.
//
// The work factor is read from the hash itself, so a row asking for more than
// WORK_FACTOR_CAPS is never computed: it would cost seconds of CPU per guess.

import { createHash, pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { verify as argon2Verify } from '@node-rs/argon2';
import { verify as bcryptVerify } from '@node-rs/bcrypt';
import type { HashScheme } from './hash-gate';

const pbkdf2Async = promisify(pbkdf2);

/**
 * The most work one hash may ask for: Django's own defaults with headroom
 * (PBKDF2 1,000,000 iterations in 5.2, 1,500,000 in 6.1, 1,800,000 in 6.2;
 * bcrypt cost 12; argon2 m=102400 KiB, t=2, p=8 since Django 4.0).
 */
export const WORK_FACTOR_CAPS = { pbkdf2Iterations: 3_000_000, bcryptCost: 13, argon2: { m: 102_400, t: 4, p: 8 } } as const;

const PBKDF2 = /^pbkdf2_(sha256|sha1)\$(\d{1,9})\$([^$]+)\$([A-Za-z0-9+/]+={0,2})$/;
const ARGON2 = /^argon2(\$argon2(?:id|i|d)\$.+)$/;
const BCRYPT = /^(bcrypt_sha256|bcrypt)\$(\$2[abxy]?\$(\d{2})\$[./A-Za-z0-9]{53})$/;
/** The parameters of a PHC argon2 string: `$argon2id$v=19$m=…,t=…,p=…$salt$hash`. */
const ARGON2_PARAMS = /^\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,10})(?:,[^$]*)?\$/;

/** What checking a password against a hash takes, read from the hash. */
export interface HashCheck {
  scheme: HashScheme;
  /** True when the hash asks for more work than WORK_FACTOR_CAPS: it is never computed. */
  overCap: boolean;
  /** False for a wrong password and for anything malformed. */
  verify(password: string): Promise<boolean>;
}

/** True when an argon2 PHC string asks for no more than the caps (and can be read at all). */
export function argon2WithinCaps(phc: string): boolean {
  const m = ARGON2_PARAMS.exec(phc);
  const { argon2: cap } = WORK_FACTOR_CAPS;
  return !!m && Number(m[1]) <= cap.m && Number(m[2]) <= cap.t && Number(m[3]) <= cap.p;
}

/** How to check a Django hash; null when it is not one this module can check. */
export function djangoCheck(encoded: string): HashCheck | null {
  const pbkdf = PBKDF2.exec(encoded);
  if (pbkdf) {
    const [, digest, iterations, salt, b64] = pbkdf;
    const n = Number(iterations);
    return {
      scheme: 'pbkdf2',
      overCap: n > WORK_FACTOR_CAPS.pbkdf2Iterations,
      async verify(password) {
        const expected = Buffer.from(b64, 'base64');
        if (n < 1 || expected.length !== (digest === 'sha256' ? 32 : 20)) return false;
        // Django: base64(pbkdf2_hmac(digest, utf8(password), utf8(salt), iterations)), dklen = digest size.
        const actual = await pbkdf2Async(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), n, expected.length, digest);
        return timingSafeEqual(actual, expected);
      },
    };
  }
  const argon = ARGON2.exec(encoded);
  if (argon) {
    return { scheme: 'argon2', overCap: !argon2WithinCaps(argon[1]), verify: (password) => argon2Verify(argon[1], password).catch(() => false) };
  }
  const bcrypt = BCRYPT.exec(encoded);
  if (bcrypt) {
    const [, algorithm, hash, cost] = bcrypt;
    return {
      scheme: 'bcrypt',
      overCap: Number(cost) > WORK_FACTOR_CAPS.bcryptCost,
      verify(password) {
        // bcrypt_sha256 feeds bcrypt the hex SHA-256 of the password, so long passwords are not cut at 72 bytes.
        const input = algorithm === 'bcrypt_sha256' ? createHash('sha256').update(password, 'utf8').digest('hex') : password;
        return bcryptVerify(input, hash).catch(() => false);
      },
    };
  }
  return null;
}

/** How the importer treats a Django `password` column. */
export function djangoHashKind(encoded: string): 'usable' | 'unusable' | 'unsupported' | 'overCap' {
  if (encoded === '' || encoded.startsWith('!')) return 'unusable';
  const check = djangoCheck(encoded);
  if (!check) return 'unsupported';
  return check.overCap ? 'overCap' : 'usable';
}

/** The caps as the importer's summary and the README state them. */
export const describeCaps = (): string => {
  const { pbkdf2Iterations, bcryptCost, argon2 } = WORK_FACTOR_CAPS;
  return `PBKDF2 ${pbkdf2Iterations.toLocaleString('en-US')} iterations, bcrypt cost ${bcryptCost}, argon2 m=${argon2.m} t=${argon2.t} p=${argon2.p}`;
};
