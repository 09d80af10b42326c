// Signing keys. HS* use JWT_SECRET_KEY; RS256, ES256 and EdDSA use
// JWT_PRIVATE_KEY to sign and verify against JWT_PUBLIC_KEY plus any
// JWT_PREVIOUS_PUBLIC_KEYS (so tokens signed before a rotation verify until
// they expire). Keys are named by their RFC 7638 thumbprint (`kid`) and only
// configured keys are ever used: a `kid`, `jku`, `x5u` or `jwk` in a token
// header can select among them, never add one.
import { createHash, createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** The signing algorithms authql takes (JWT_ALGORITHM). */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'ES256', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface KeyMaterial {
  algorithm: JwtAlgorithm;
  secretKey: string;
  privateKey?: string;
  publicKey?: string;
  previousPublicKeys: readonly string[];
}

export interface SigningKeys {
  algorithm: JwtAlgorithm;
  symmetric: boolean;
  /** kid of the signing key (asymmetric only). */
  kid?: string;
  signKey: KeyObject;
  /** Verification keys by kid; for HS* a single entry under ''. */
  verifyKeys: ReadonlyMap<string, KeyObject>;
  /** The public JWK Set, or null for HS*. */
  jwks: { keys: JsonWebKey[] } | null;
}

const EXPECTED: Record<string, { type: string; curve?: string }> = {
  RS256: { type: 'rsa' },
  ES256: { type: 'ec', curve: 'prime256v1' },
  EdDSA: { type: 'ed25519' },
};

export function isSymmetric(alg: JwtAlgorithm): boolean {
  return alg.startsWith('HS');
}

/** Every problem with the configured key material, for loadConfig to report. */
export function keyProblems(m: KeyMaterial): string[] {
  if (isSymmetric(m.algorithm)) return [];
  try {
    loadSigningKeys(m);
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

export function loadSigningKeys(m: KeyMaterial): SigningKeys {
  if (isSymmetric(m.algorithm)) {
    const key = createSecretKey(Buffer.from(m.secretKey, 'utf8'));
    return { algorithm: m.algorithm, symmetric: true, signKey: key, verifyKeys: new Map([['', key]]), jwks: null };
  }
  const { privateKey, publicKey } = m;
  if (!privateKey || !publicKey) throw new Error(`JWT_ALGORITHM=${m.algorithm} needs JWT_PRIVATE_KEY and JWT_PUBLIC_KEY`);
  const signKey = parse(() => createPrivateKey(privateKey), 'JWT_PRIVATE_KEY');
  const current = parse(() => createPublicKey(publicKey), 'JWT_PUBLIC_KEY');
  const previous = m.previousPublicKeys.map((pem, i) => parse(() => createPublicKey(pem), `JWT_PREVIOUS_PUBLIC_KEYS[${i}]`));
  for (const [name, key] of [
    ['JWT_PRIVATE_KEY', signKey],
    ['JWT_PUBLIC_KEY', current],
    ...previous.map((k, i) => [`JWT_PREVIOUS_PUBLIC_KEYS[${i}]`, k] as const),
  ] as const) {
    checkType(name, key, m.algorithm);
  }
  if (thumbprint(createPublicKey(signKey)) !== thumbprint(current)) throw new Error('JWT_PUBLIC_KEY is not the public half of JWT_PRIVATE_KEY');
  const verifyKeys = new Map<string, KeyObject>();
  const keys: JsonWebKey[] = [];
  for (const key of [current, ...previous]) {
    const kid = thumbprint(key);
    if (verifyKeys.has(kid)) continue;
    verifyKeys.set(kid, key);
    keys.push({ ...key.export({ format: 'jwk' }), kid, alg: m.algorithm, use: 'sig' });
  }
  return { algorithm: m.algorithm, symmetric: false, kid: thumbprint(current), signKey, verifyKeys, jwks: { keys } };
}

function parse(make: () => KeyObject, name: string): KeyObject {
  try {
    return make();
  } catch {
    throw new Error(`${name} is not a valid PEM key`);
  }
}

function checkType(name: string, key: KeyObject, alg: JwtAlgorithm): void {
  const want = EXPECTED[alg];
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== want.type || (want.curve && curve !== want.curve)) {
    throw new Error(`${name} is a ${key.asymmetricKeyType}${curve ? ` ${curve}` : ''} key, but ${alg} needs ${want.type}${want.curve ? ` ${want.curve}` : ''}`);
  }
}

/** RFC 7638 JWK thumbprint: SHA-256 over the required members in lexical order. */
export function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
