// The checks every ID-token provider (Google, Apple, Kakao OIDC) must pass,
// written once and run by each provider's test file over real HTTP against
// its fake key server: who signs in, who the token is for, who issued it,
// when it expires, who signed it, replay, nonce, which arguments go
// together, and (key-server-suite.ts) how its keys are fetched.
import { createHmac } from 'node:crypto';
import { newTestKey } from './fake-jwks';
import { registerUser } from './fixtures';
import { failed, keyServerSuite, reason } from './key-server-suite';
import { CLIENT_IDS, CONNECT, idTokenLogin, rowCounts, SOCIAL_LOGIN, type SocialSetup, startSocialServer, useSocialServer } from './social';

export interface IdTokenSpec {
  provider: 'GOOGLE' | 'APPLE' | 'KAKAO';
  /** A fresh user id as the provider writes `sub`. */
  newSubject(): string;
  /** The profile claims of a user (name, email…), whatever the provider puts in its tokens. */
  profile(sub: string): Record<string, unknown>;
  /** The username the first sign-in of `sub` should get. */
  username(sub: string, profile: Record<string, unknown>): string;
  /** How the app's raw nonce appears in the token. */
  nonceClaim(raw: string): string;
}

const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function idTokenProviderSuite(spec: IdTokenSpec): void {
  const { provider } = spec;
  const [clientId, otherClientId] = CLIENT_IDS[provider];
  const s = useSocialServer();
  const keys = () => s.keys[provider];
  const claims = (sub = spec.newSubject(), extra: Record<string, unknown> = {}) => ({ aud: clientId, sub, ...spec.profile(sub), ...extra });
  const login = (setup: SocialSetup, token: string, nonce?: string) => idTokenLogin(setup.server, provider, token, nonce);

  /** Refused for `why`, with `detail` (the cause, in the log only) matching, and nothing written. */
  async function expectRefused(token: string, why: string, detail: RegExp, nonce?: string): Promise<void> {
    const before = await rowCounts(s.server);
    const res = await login(s, token, nonce);
    expect(reason(res)).toEqual(failed(why));
    expect(res.data).toBeNull();
    expect(JSON.parse(s.server.logs.filter((l) => l.includes('"social_auth"')).at(-1) ?? '{}').detail).toMatch(detail);
    expect(await rowCounts(s.server)).toEqual(before);
  }

  test('a new user signs in with an ID token, and signs in again to the same account with a new one', async () => {
    const sub = spec.newSubject();
    const first = await login(s, keys().sign(claims(sub)));
    expect(first.errors).toBeUndefined();
    const out = first.data.socialLogin;
    expect(out).toMatchObject({ isNewUser: true, socialAccount: { provider, uid: sub }, user: { username: spec.username(sub, spec.profile(sub)) } });
    expect(out.socialAccount.extraData).toMatchObject({ sub, aud: clientId });
    expect(out.refreshToken).toEqual(expect.any(String));

    const again = await login(s, keys().sign(claims(sub)));
    expect(again.errors).toBeUndefined();
    expect(again.data.socialLogin).toMatchObject({ isNewUser: false, user: { id: out.user.id }, socialAccount: { id: out.socialAccount.id } });
    // The keys were fetched once (or not at all, when an earlier test fetched them) and then cached.
    expect(keys().calls.length).toBeLessThanOrEqual(1);
  });

  test("an ID token for another of the app's client IDs works; one for any other app is WRONG_APP", async () => {
    expect((await login(s, keys().sign(claims(undefined, { aud: otherClientId })))).errors).toBeUndefined();
    await expectRefused(keys().sign(claims(undefined, { aud: 'someone-elses-client-id' })), 'WRONG_APP', /for another app/);
    await expectRefused(keys().sign(claims(undefined, { aud: [clientId, 'someone-elses-client-id'], azp: clientId })), 'WRONG_APP', /for another app/);
    await expectRefused(keys().sign(claims(undefined, { aud: undefined })), 'WRONG_APP', /for another app/);
  });

  test('another issuer, an expired token and a token without exp are TOKEN_REJECTED', async () => {
    await expectRefused(keys().sign(claims(undefined, { iss: 'https://issuer.example' })), 'TOKEN_REJECTED', /another issuer/);
    await expectRefused(keys().sign(claims(undefined, { iss: undefined })), 'TOKEN_REJECTED', /another issuer/);
    await expectRefused(keys().sign(claims(undefined, { iat: now() - 900, exp: now() - 120 })), 'TOKEN_REJECTED', /expired/);
    await expectRefused(keys().sign(claims(undefined, { exp: undefined })), 'TOKEN_REJECTED', /no exp/);
  });

  test('a bad signature is TOKEN_REJECTED: foreign key, altered payload, HS256 with the public key, alg none', async () => {
    const published = keys().published[0];
    await expectRefused(keys().sign(claims(), { key: await newTestKey(), kid: published.kid }), 'TOKEN_REJECTED', /invalid signature/);

    const [header, , signature] = keys().sign(claims()).split('.');
    await expectRefused(`${header}.${b64({ ...claims(), iss: keys().issuer, exp: now() + 600 })}.${signature}`, 'TOKEN_REJECTED', /invalid signature/);

    // Algorithm confusion: the public key (which anyone can fetch) used as an HMAC secret.
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: published.kid })}.${b64({ ...claims(), iss: keys().issuer, exp: now() + 600 })}`;
    const pem = published.publicKey.export({ type: 'spki', format: 'pem' });
    await expectRefused(`${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`, 'TOKEN_REJECTED', /invalid algorithm/);
    await expectRefused(
      `${b64({ alg: 'none', kid: published.kid })}.${b64({ ...claims(), iss: keys().issuer, exp: now() + 600 })}.`,
      'TOKEN_REJECTED',
      /malformed idToken/,
    );
  });

  test('an ID token works once: a replay is TOKEN_REJECTED, even with its signature re-encoded', async () => {
    const token = keys().sign(claims());
    expect((await login(s, token)).errors).toBeUndefined();
    await expectRefused(token, 'TOKEN_REJECTED', /already used/);
    // The last base64url character of an RSA-2048 signature carries 4 spare bits: same signature, another string.
    const last = token.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    await expectRefused(token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1], 'TOKEN_REJECTED', /already used/);
  });

  test('the nonce must match when the app sends one', async () => {
    const raw = `nonce-${Date.now()}`;
    await expectRefused(keys().sign(claims(undefined, { nonce: spec.nonceClaim(raw) })), 'TOKEN_REJECTED', /nonce does not match/, `${raw}x`);
    await expectRefused(keys().sign(claims()), 'TOKEN_REJECTED', /nonce does not match/, raw);
    expect((await login(s, keys().sign(claims(undefined, { nonce: spec.nonceClaim(raw) })), raw)).errors).toBeUndefined();
  });

  test('a token that carries a nonce needs the nonce argument: without it, TOKEN_REJECTED', async () => {
    const raw = `nonce-${Date.now()}`;
    // Whoever holds a token minted for another sign-in (a leaked or phished one) does not know its raw nonce.
    await expectRefused(keys().sign(claims(undefined, { nonce: spec.nonceClaim(raw) })), 'TOKEN_REJECTED', /carries a nonce but none was sent/);
    await expectRefused(keys().sign(claims(undefined, { nonce: '' })), 'TOKEN_REJECTED', /carries a nonce but none was sent/);
    // The claim as the provider wrote it is not the raw value (Apple: a hash of it), so sending the claim back fails too.
    if (spec.nonceClaim(raw) !== raw) {
      await expectRefused(keys().sign(claims(undefined, { nonce: spec.nonceClaim(raw) })), 'TOKEN_REJECTED', /nonce does not match/, spec.nonceClaim(raw));
    }
  });

  test('exactly one of accessToken and idToken: both, or neither, is BAD_USER_INPUT naming the field', async () => {
    const both = await s.server.gql(SOCIAL_LOGIN, { provider, accessToken: 'some-access-token', idToken: keys().sign(claims()) });
    expect(reason(both)).toEqual({ code: 'BAD_USER_INPUT', field: 'idToken' });
    const neither = await s.server.gql(SOCIAL_LOGIN, { provider, nonce: 'n' });
    expect(reason(neither)).toEqual({ code: 'BAD_USER_INPUT', field: provider === 'KAKAO' ? 'accessToken' : 'idToken' });
    expect(keys().calls).toHaveLength(0);
  });

  test('connectSocialAccount takes an ID token; an identity linked to someone else is BAD_USER_INPUT on idToken', async () => {
    const alice = await registerUser(s.server);
    const sub = spec.newSubject();
    const linked = await s.server.gql(CONNECT, { provider, idToken: keys().sign(claims(sub)), password: alice.password }, { token: alice.token });
    expect(linked.errors).toBeUndefined();
    expect(linked.data.connectSocialAccount).toMatchObject({ provider, uid: sub });
    const bob = await registerUser(s.server);
    const clash = await s.server.gql(CONNECT, { provider, idToken: keys().sign(claims(sub)), password: bob.password }, { token: bob.token });
    expect(reason(clash)).toEqual({ code: 'BAD_USER_INPUT', field: 'idToken' });
  });

  keyServerSuite(provider, s, () => claims());

  test('an app without the provider registered is PROVIDER_NOT_CONFIGURED, and no key is fetched', async () => {
    const bare = await startSocialServer({}, { apps: false });
    try {
      expect(reason(await login(bare, bare.keys[provider].sign(claims())))).toEqual(failed('PROVIDER_NOT_CONFIGURED'));
      expect(bare.keys[provider].calls).toHaveLength(0);
    } finally {
      await bare.stop();
    }
  });
}
