// src/sessions/jws.ts verifies HMAC tokens itself (jsonwebtoken costs
// several times more on the hot path). It must accept exactly what
// jsonwebtoken accepts: checked against jsonwebtoken itself on tokens it
// signed, and on thousands of mutations of them.
import { createSecretKey } from 'node:crypto';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { type ClaimRules, HMAC_HASHES, JwsError, verifyHmac } from '../../src/sessions/jws';

const SECRET = 'a-secret-that-is-long-enough-for-hs512-0123456789abcdef0123456789';
const key = createSecretKey(Buffer.from(SECRET));
const now = () => Math.floor(Date.now() / 1000);
const rules: ClaimRules = { issuer: 'https://auth.example', audience: 'api', leeway: 0 };
const claims = () => ({ sub: '7', iss: 'https://auth.example', aud: 'api', exp: now() + 300, iat: now() });

type Alg = keyof typeof HMAC_HASHES;
const ALGS = Object.keys(HMAC_HASHES) as Alg[];

/** jsonwebtoken's verdict: the claims, or 'expired' / 'invalid'. */
function library(token: string, alg: Alg): unknown {
  try {
    return jwt.verify(token, key, { algorithms: [alg], issuer: rules.issuer, audience: rules.audience, clockTolerance: rules.leeway });
  } catch (err) {
    return err instanceof jwt.TokenExpiredError ? 'expired' : 'invalid';
  }
}

function ours(token: string, alg: Alg): unknown {
  try {
    return verifyHmac(token, key, HMAC_HASHES[alg], rules);
  } catch (err) {
    if (!(err instanceof JwsError)) throw err;
    return err.expired ? 'expired' : 'invalid';
  }
}

test.each(ALGS)('%s: a token jsonwebtoken signed verifies to the same claims', (alg) => {
  const token = jwt.sign(claims(), SECRET, { algorithm: alg });
  expect(ours(token, alg)).toEqual(library(token, alg));
  expect(typeof ours(token, alg)).toBe('object');
});

test.each([
  ['expired', { exp: now() - 10 }, 'expired'],
  ['not yet valid', { nbf: now() + 60 }, 'invalid'],
  ['another issuer', { iss: 'https://evil.example' }, 'invalid'],
  ['another audience', { aud: 'other' }, 'invalid'],
  ['one of several audiences', { aud: ['other', 'api'] }, 'object'],
])('claims: %s', (_name, change, verdict) => {
  const token = jwt.sign({ ...claims(), ...change }, SECRET, { algorithm: 'HS256' });
  const got = ours(token, 'HS256');
  expect(typeof got === 'object' ? 'object' : got).toBe(verdict);
  expect(library(token, 'HS256')).toEqual(got);
});

test('a signature that only decodes to the right bytes is refused, as jsonwebtoken refuses it', () => {
  const token = jwt.sign(claims(), SECRET, { algorithm: 'HS256' });
  for (const variant of [`${token}=`, `${token}==`, `${token.slice(0, -1)}${token.at(-1)}\n`, `${token}.`, token.replace(/\./, '..')]) {
    expect(ours(variant, 'HS256')).toBe('invalid');
    expect(library(variant, 'HS256')).toBe('invalid');
  }
});

test('payloads that are not JSON objects are refused', () => {
  const sign = (payload: string) => {
    const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
    const { createHmac } = require('node:crypto') as typeof import('node:crypto');
    return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
  };
  for (const payload of ['null', '[]', '"text"', '42', '{', '']) expect(ours(sign(payload), 'HS256')).toBe('invalid');
});

test('5,000 mutations of signed tokens: the same verdict as jsonwebtoken every time', () => {
  const signed = Object.fromEntries(ALGS.map((alg) => [alg, jwt.sign(claims(), SECRET, { algorithm: alg })]));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
  fc.assert(
    fc.property(
      fc.constantFrom(...ALGS),
      fc.array(fc.tuple(fc.nat(), fc.nat(alphabet.length - 1), fc.constantFrom('replace', 'insert', 'delete')), { minLength: 1, maxLength: 3 }),
      (alg, edits) => {
        let token = signed[alg];
        for (const [at, char, kind] of edits) {
          const i = at % (token.length + 1);
          const c = alphabet[char];
          token =
            kind === 'insert'
              ? token.slice(0, i) + c + token.slice(i)
              : kind === 'delete'
                ? token.slice(0, i) + token.slice(i + 1)
                : token.slice(0, i) + c + token.slice(i + 1);
        }
        const want = library(token, alg);
        const got = ours(token, alg);
        // jsonwebtoken reads a payload that is not an object as a string and then fails its claims; both refuse.
        expect(typeof got === 'object' ? 'object' : got).toBe(typeof want === 'object' ? 'object' : want);
        if (typeof got === 'object') expect(got).toEqual(want);
      },
    ),
    { numRuns: 5_000 },
  );
});
