// A passkey as the second step after a password (issue 13), end to end over
// HTTP. NEEDS A13's gate (the SECOND_FACTOR_REQUIRED hook, verifySecondFactor,
// TokenPayload.amr): it fails on a branch without it and is meant to run once
// both halves are merged.
import { registerUser } from '../helpers/fixtures';
import { LOGIN } from '../helpers/operations';
import { addPasskey, passkeySignIn } from '../helpers/passkeys';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';
import { SoftAuthenticator } from '../helpers/soft-authenticator';

const ORIGIN = 'https://app.example.test';
const VERIFY_SECOND_FACTOR = `mutation($t: String!, $r: JSON) { verifySecondFactor(challengeToken: $t, passkeyResponse: $r) {
  token refreshToken payload { sub username amr } user { username } } }`;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ WEBAUTHN_RP_ID: 'app.example.test', WEBAUTHN_ORIGINS: ORIGIN });
});
afterAll(() => server.stop());

async function enrolled() {
  const who = await registerUser(server);
  const key = new SoftAuthenticator({ origin: ORIGIN });
  expect((await addPasskey(server, key, who)).errors).toBeUndefined();
  return { who, key };
}

async function passwordStep(who: { user: { username: string }; password: string }) {
  const res = await server.gql(LOGIN, { username: who.user.username, password: who.password });
  expect(errorCode(res)).toBe('SECOND_FACTOR_REQUIRED');
  expect(res.data?.login ?? null).toBeNull();
  return firstError(res)?.extensions as { challengeToken: string; methods: string[]; expiresAt: number; passkeyOptions: any };
}

test('login → SECOND_FACTOR_REQUIRED with PASSKEY and its options → verifySecondFactor with the passkey → tokens with amr pwd, hwk, mfa', async () => {
  const { who, key } = await enrolled();
  const ext = await passwordStep(who);
  expect(ext.methods).toContain('PASSKEY');
  expect(ext.passkeyOptions.allowCredentials).toEqual([{ id: key.credentials[0].id.toString('base64url'), type: 'public-key', transports: ['internal'] }]);
  const res = await server.gql(VERIFY_SECOND_FACTOR, { t: ext.challengeToken, r: key.get(ext.passkeyOptions) });
  expect(res.errors).toBeUndefined();
  expect(res.data.verifySecondFactor.user.username).toBe(who.user.username);
  expect(res.data.verifySecondFactor.payload.amr).toEqual(expect.arrayContaining(['pwd', 'hwk', 'mfa']));
  // The challenge token is single use.
  expect(errorCode(await server.gql(VERIFY_SECOND_FACTOR, { t: ext.challengeToken, r: key.get(ext.passkeyOptions) }))).toMatch(
    /SECOND_FACTOR_INVALID|TOKEN_INVALID/,
  );
});

test("another account's passkey, a tampered assertion, or another sign-in's options are refused", async () => {
  const alice = await enrolled();
  const bob = await enrolled();
  const first = await passwordStep(alice.who);
  const bobs = bob.key.get({ challenge: first.passkeyOptions.challenge, rpId: first.passkeyOptions.rpId });
  expect(errorCode(await server.gql(VERIFY_SECOND_FACTOR, { t: first.challengeToken, r: bobs }))).toBe('SECOND_FACTOR_INVALID');
  const second = await passwordStep(alice.who);
  expect(
    errorCode(await server.gql(VERIFY_SECOND_FACTOR, { t: second.challengeToken, r: alice.key.get(second.passkeyOptions, { tamperSignature: true }) })),
  ).toBe('SECOND_FACTOR_INVALID');
  const third = await passwordStep(alice.who);
  const fourth = await passwordStep(alice.who);
  expect(errorCode(await server.gql(VERIFY_SECOND_FACTOR, { t: fourth.challengeToken, r: alice.key.get(third.passkeyOptions) }))).toBe('SECOND_FACTOR_INVALID');
  expect((await server.gql(VERIFY_SECOND_FACTOR, { t: fourth.challengeToken, r: alice.key.get(fourth.passkeyOptions) })).errors).toBeUndefined();
});

test('a passkey sign-in is complete on its own: the gate lets it through', async () => {
  const { who, key } = await enrolled();
  const { result } = await passkeySignIn(server, key);
  expect(result.errors).toBeUndefined();
  expect(result.data.signInWithPasskey.user.username).toBe(who.user.username);
});
