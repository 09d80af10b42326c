// A fake OpenID Connect key server for tests: generates its own RSA keys,
// serves them as a JWKS on 127.0.0.1, signs test ID tokens with the real
// issuer strings, rotates keys, and (through FakeProvider) records every
// fetch and can answer 500 or drop the connection.
import { generateKeyPair as generateKeyPairCb, type KeyObject, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { FakeProvider, type FakeReply } from './fake-http';

const generateKeyPair = promisify(generateKeyPairCb);

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface SignOptions {
  /** Signs with this key (default: the newest published one). */
  key?: TestKey;
  /** Puts this kid in the header instead of the key's own. */
  kid?: string;
}

let keyCount = 0;

export async function newTestKey(): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  return { kid: `test-key-${++keyCount}-${Date.now().toString(36)}`, privateKey, publicKey };
}

export class FakeJwks extends FakeProvider {
  readonly published: TestKey[] = [];

  constructor(
    readonly issuer: string,
    private readonly path: string,
  ) {
    super();
  }

  override async start(): Promise<this> {
    await super.start();
    this.published.push(await newTestKey());
    return this;
  }

  get jwksUrl(): string {
    return this.url + this.path;
  }

  /** Publishes a new key and signs with it from now on; `retire` drops the older ones. */
  async rotate(opts: { retire?: boolean } = {}): Promise<TestKey> {
    const key = await newTestKey();
    if (opts.retire) this.published.length = 0;
    this.published.push(key);
    return key;
  }

  /** A signed ID token: iss, iat, exp (10 minutes) and a unique jti by default; a claim set to undefined is left out. */
  sign(claims: Record<string, unknown>, opts: SignOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = Object.fromEntries(
      Object.entries({ iss: this.issuer, iat: now, exp: now + 600, jti: randomUUID(), ...claims }).filter(([, v]) => v !== undefined),
    );
    const key = opts.key ?? this.published[this.published.length - 1];
    return jwt.sign(payload, key.privateKey, { algorithm: 'RS256', keyid: opts.kid ?? key.kid, noTimestamp: true });
  }

  protected route(): FakeReply {
    const keys = this.published.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: 'RS256' }));
    return { status: 200, body: { keys } };
  }
}

/** The real issuers and JWKS paths: tests sign with what production will see. */
export const startGoogleKeys = () => new FakeJwks('https://accounts.google.com', '/oauth2/v3/certs').start();
export const startAppleKeys = () => new FakeJwks('https://appleid.apple.com', '/auth/keys').start();
export const startKakaoKeys = () => new FakeJwks('https://kauth.kakao.com', '/.well-known/jwks.json').start();
