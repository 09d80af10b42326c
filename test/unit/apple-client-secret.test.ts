// The client_secret authql signs for Apple's REST API: Apple's claims, the
// six-month cap, and a new one signed before the cached one runs out.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppleRest, MAX_CLIENT_SECRET_LIFETIME } from '../../src/social/providers/apple-rest';
import { ProviderHttp } from '../../src/social/providers/http';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const publicKey = createPublicKey(privateKey);
const creds = { teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: pem };

function rest(lifetime: number) {
  let now = Date.UTC(2026, 0, 1);
  const api = new AppleRest(new ProviderHttp(1), 'http://127.0.0.1:9', lifetime, () => now);
  return { api, advance: (seconds: number) => (now += seconds * 1000) };
}

test("Apple's claims, ES256 with the Key ID, and no more than six months", () => {
  const { api } = rest(10 * MAX_CLIENT_SECRET_LIFETIME);
  const decoded = jwt.verify(api.clientSecret(creds, 'com.example.app'), publicKey, { algorithms: ['ES256'], complete: true, ignoreExpiration: true });
  expect(decoded.header).toMatchObject({ alg: 'ES256', kid: 'KEY1234567' });
  const claims = decoded.payload as jwt.JwtPayload;
  expect(claims).toMatchObject({ iss: 'TEAM123456', sub: 'com.example.app', aud: 'https://appleid.apple.com' });
  expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(MAX_CLIENT_SECRET_LIFETIME);
});

test('kept while most of its life is left, signed again before it runs out, and one per client ID', () => {
  const { api, advance } = rest(1000);
  const first = api.clientSecret(creds, 'com.example.app');
  advance(899);
  expect(api.clientSecret(creds, 'com.example.app')).toBe(first);
  expect(api.clientSecret(creds, 'com.example.web')).not.toBe(first);
  advance(2);
  const renewed = api.clientSecret(creds, 'com.example.app');
  expect(renewed).not.toBe(first);
  expect((jwt.decode(renewed) as jwt.JwtPayload).iat).toBeGreaterThan((jwt.decode(first) as jwt.JwtPayload).iat ?? 0);
});
