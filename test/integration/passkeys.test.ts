// Passkeys over real HTTP with the software authenticator (ES256, `none`
// attestation, a signature counter): registration behind re-auth, sign-in
// with a username and without one (discoverable), the counter rule, user
// verification required, wrong origin or RP ID refused, every challenge used
// once (and bound to what it was issued for), a credential id already on one
// account refused on another, removal, and the notice mails.
import { Passkey, WebAuthnChallenge } from '../../src/entities';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { useMailServers } from '../helpers/mail-servers';
import { VERIFY } from '../helpers/operations';
import { addPasskey, DELETE_PASSKEY, passkeySignIn, REGISTER_PASSKEY, REGISTRATION_OPTIONS, SIGN_IN_OPTIONS, SIGN_IN_WITH_PASSKEY } from '../helpers/passkeys';
import { errorCode, firstError, type TestServer } from '../helpers/server';
import { SoftAuthenticator } from '../helpers/soft-authenticator';

const RP_ID = 'app.example.test';
const ORIGIN = `https://${RP_ID}`;
const mail = useMailServers({ WEBAUTHN_RP_ID: RP_ID, WEBAUTHN_RP_NAME: 'Example', WEBAUTHN_ORIGINS: `${ORIGIN},https://m.${RP_ID}` });
let server: TestServer;

beforeAll(async () => {
  server = await mail.start();
});

const authenticator = (o: Partial<ConstructorParameters<typeof SoftAuthenticator>[0]> = {}) => new SoftAuthenticator({ origin: ORIGIN, ...o });
const stored = (credentialId?: string) => server.app.orm.em.fork().findOneOrFail(Passkey, { credentialId });
const refusedReason = async (pattern: RegExp) => {
  for (let i = 0; i < 50 && !server.logs.some((l) => pattern.test(l)); i++) await new Promise((r) => setTimeout(r, 20));
  return server.logs.some((l) => pattern.test(l));
};

async function userWithPasskey(o: Partial<ConstructorParameters<typeof SoftAuthenticator>[0]> = {}) {
  const user = await registerUser(server);
  const key = authenticator(o);
  const added = await addPasskey(server, key, user, { name: 'Laptop' });
  expect(added.errors).toBeUndefined();
  return { user, key, passkey: added.data.registerPasskey as { id: string; name: string } };
}

test('registration: ES256, none attestation, discoverable, UV required; the passkey is listed by name and mailed about', async () => {
  const user = await registerUser(server);
  const options = (await server.gql(REGISTRATION_OPTIONS, { password: user.password }, { token: user.token })).data.passkeyRegistrationOptions;
  expect(options).toMatchObject({
    rp: { id: RP_ID, name: 'Example' },
    user: { name: user.user.username },
    attestation: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    excludeCredentials: [],
  });
  expect(options.pubKeyCredParams[0]).toEqual({ type: 'public-key', alg: -7 });
  const key = authenticator();
  const res = await server.gql(REGISTER_PASSKEY, { response: key.create(options), name: ' Work laptop ' }, { token: user.token });
  expect(res.errors).toBeUndefined();
  expect(res.data.registerPasskey).toMatchObject({ name: 'Work laptop', lastUsedAt: null });
  const row = await stored(Buffer.from(key.credentials[0].id).toString('base64url'));
  expect(row).toMatchObject({ counter: 1, deviceType: 'singleDevice', backedUp: false, transports: ['internal'] });
  const notice = await mail.smtp.waitFor((m) => m.to === user.email && m.subject === 'A passkey was added to your account');
  expect(notice.text).toContain('"Work laptop"');

  // The next options exclude it, so the same authenticator cannot make a second one.
  const again = (await server.gql(REGISTRATION_OPTIONS, { password: user.password }, { token: user.token })).data.passkeyRegistrationOptions;
  expect(again.excludeCredentials).toEqual([{ id: row.credentialId, type: 'public-key', transports: ['internal'] }]);
  expect(() => key.create(again)).toThrow(/InvalidStateError/);
});

test('registration needs the password (as updateMe) and a signed-in user; names are one short line', async () => {
  const user = await registerUser(server);
  expect(firstError(await addPasskey(server, authenticator(), user, { name: 'Laptop\nClick https://evil.example' }))?.extensions).toEqual({
    code: 'BAD_USER_INPUT',
    field: 'name',
  });
  expect(firstError(await addPasskey(server, authenticator(), user, { name: 'x'.repeat(101) }))?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
  expect(errorCode(await server.gql(REGISTRATION_OPTIONS, { password: 'wrong password' }, { token: user.token }))).toBe('BAD_USER_INPUT');
  expect(errorCode(await server.gql(REGISTRATION_OPTIONS, { password: GOOD_PASSWORD }))).toBe('UNAUTHENTICATED');
});

test('sign-in with a username: the account passkeys are offered, the session is complete (hwk + mfa) and the counter moves on', async () => {
  const { user, key } = await userWithPasskey();
  const first = await passkeySignIn(server, key, { username: user.user.username });
  expect(first.requestOptions).toMatchObject({ rpId: RP_ID, userVerification: 'required' });
  expect(first.requestOptions.allowCredentials).toEqual([{ id: first.response.id, type: 'public-key', transports: ['internal'] }]);
  expect(first.result.errors).toBeUndefined();
  expect(first.result.data.signInWithPasskey.user.username).toBe(user.user.username);
  expect((await server.gql(VERIFY, { token: first.result.data.signInWithPasskey.token })).errors).toBeUndefined();
  expect(server.logs.some((l) => /"method":"passkey"|passkey sign-in succeeded/.test(l) && l.includes('"amr":"hwk"'))).toBe(true);

  const second = await passkeySignIn(server, key, { username: user.user.email });
  expect(second.result.errors).toBeUndefined();
  const row = await stored(first.response.id);
  expect(row.counter).toBe(3);
  expect(row.lastUsedAt).toBeInstanceOf(Date);
});

test('a counter that did not increase is a cloned authenticator or a replay: refused', async () => {
  const { user, key } = await userWithPasskey();
  expect((await passkeySignIn(server, key, { username: user.user.username })).result.errors).toBeUndefined();
  const replay = await passkeySignIn(server, key, { username: user.user.username, over: { repeatCounter: true } });
  expect(errorCode(replay.result)).toBe('INVALID_CREDENTIALS');
  expect(await refusedReason(/"reason":"counter"/)).toBe(true);
});

test('a synced passkey has no counter (always 0) and signs in as swk', async () => {
  const { user, key } = await userWithPasskey({ counter: 'zero', backupEligible: true, backedUp: true });
  for (let i = 0; i < 2; i++) expect((await passkeySignIn(server, key, { username: user.user.username })).result.errors).toBeUndefined();
  expect(await stored(key.credentials[0].id.toString('base64url'))).toMatchObject({ counter: 0, deviceType: 'multiDevice', backedUp: true });
  expect(server.logs.some((l) => l.includes('"amr":"swk"'))).toBe(true);
});

test('discoverable sign-in: no username, the passkey says whose it is', async () => {
  const alice = await userWithPasskey();
  const bob = await userWithPasskey();
  const asBob = await passkeySignIn(server, bob.key);
  expect(asBob.requestOptions.allowCredentials).toBeUndefined();
  expect(asBob.result.data.signInWithPasskey.user.username).toBe(bob.user.user.username);
  const asAlice = await passkeySignIn(server, alice.key);
  expect(asAlice.result.data.signInWithPasskey.user.username).toBe(alice.user.user.username);
  // A userHandle that is not the owner's is refused.
  const lying = await passkeySignIn(server, alice.key, { over: { userHandle: Buffer.alloc(32, 7) } });
  expect(errorCode(lying.result)).toBe('INVALID_CREDENTIALS');
});

test('an unknown username gets options shaped like discoverable ones', async () => {
  const res = await server.gql(SIGN_IN_OPTIONS, { username: 'nobody-here' });
  expect(res.data.passkeySignInOptions.options.allowCredentials).toBeUndefined();
});

test('a credential id registered to one account is refused on another', async () => {
  const alice = await userWithPasskey();
  const mallory = await registerUser(server);
  // With `none` attestation anyone can make up a registration that carries Alice's credential id.
  const copied = await addPasskey(server, authenticator(), mallory, { over: { newCredentialId: alice.key.credentials[0].id } });
  expect(errorCode(copied)).toBe('SECOND_FACTOR_INVALID');
  const owners = await server.app.orm.em.fork().find(Passkey, { credentialId: alice.key.credentials[0].id.toString('base64url') }, { populate: ['user'] });
  expect(owners.map((p) => p.user.username)).toEqual([alice.user.user.username]);
  expect((await passkeySignIn(server, alice.key)).result.data.signInWithPasskey.user.username).toBe(alice.user.user.username);
});

test('wrong origin or RP ID: refused at registration and at sign-in', async () => {
  const user = await registerUser(server);
  const key = authenticator();
  expect(errorCode(await addPasskey(server, key, user, { over: { origin: 'https://evil.example' } }))).toBe('SECOND_FACTOR_INVALID');
  expect(await refusedReason(/"reason":"origin"/)).toBe(true);
  expect(errorCode(await addPasskey(server, key, user, { over: { rpId: 'evil.example' } }))).toBe('SECOND_FACTOR_INVALID');
  expect(await refusedReason(/"reason":"rp-id"/)).toBe(true);
  // Another listed origin (the mobile web app) is fine.
  const ok = authenticator({ origin: `https://m.${RP_ID}` });
  expect((await addPasskey(server, ok, user)).errors).toBeUndefined();
  expect(errorCode((await passkeySignIn(server, ok, { over: { origin: 'https://evil.example' } })).result)).toBe('INVALID_CREDENTIALS');
  expect(errorCode((await passkeySignIn(server, ok, { over: { rpId: 'evil.example' } })).result)).toBe('INVALID_CREDENTIALS');
  expect((await passkeySignIn(server, ok)).result.errors).toBeUndefined();
});

test('user verification is required at registration and at sign-in', async () => {
  const user = await registerUser(server);
  expect(errorCode(await addPasskey(server, authenticator({ userVerified: false }), user))).toBe('SECOND_FACTOR_INVALID');
  const { key } = await userWithPasskey();
  expect(errorCode((await passkeySignIn(server, key, { over: { userVerified: false } })).result)).toBe('INVALID_CREDENTIALS');
  expect(errorCode((await passkeySignIn(server, key, { over: { tamperSignature: true } })).result)).toBe('INVALID_CREDENTIALS');
});

test('challenges are single use, expire, and answer only what they were issued for', async () => {
  const { user, key } = await userWithPasskey();
  // Sign-in: the same challengeId twice, even with a fresh assertion.
  const once = await passkeySignIn(server, key);
  expect(once.result.errors).toBeUndefined();
  const fresh = key.get(once.requestOptions);
  expect(errorCode(await server.gql(SIGN_IN_WITH_PASSKEY, { challengeId: once.challengeId, response: fresh }))).toBe('INVALID_CREDENTIALS');
  // A refused answer uses the challenge up too.
  const opts = (await server.gql(SIGN_IN_OPTIONS, {})).data.passkeySignInOptions;
  const bad = key.get(opts.options, { tamperSignature: true });
  expect(errorCode(await server.gql(SIGN_IN_WITH_PASSKEY, { challengeId: opts.challengeId, response: bad }))).toBe('INVALID_CREDENTIALS');
  expect(errorCode(await server.gql(SIGN_IN_WITH_PASSKEY, { challengeId: opts.challengeId, response: key.get(opts.options) }))).toBe('INVALID_CREDENTIALS');
  // Options for Alice's username do not sign Bob in.
  const bob = await userWithPasskey();
  const forAlice = (await server.gql(SIGN_IN_OPTIONS, { username: user.user.username })).data.passkeySignInOptions;
  const bobs = bob.key.get({ challenge: forAlice.options.challenge, rpId: RP_ID });
  expect(errorCode(await server.gql(SIGN_IN_WITH_PASSKEY, { challengeId: forAlice.challengeId, response: bobs }))).toBe('INVALID_CREDENTIALS');
  // Expired (moved into the past in the database; the rule is 5 minutes).
  const late = (await server.gql(SIGN_IN_OPTIONS, {})).data.passkeySignInOptions;
  await server.app.orm.em.fork().nativeUpdate(WebAuthnChallenge, { id: late.challengeId }, { expiresAt: new Date(Date.now() - 1000) });
  expect(errorCode(await server.gql(SIGN_IN_WITH_PASSKEY, { challengeId: late.challengeId, response: key.get(late.options) }))).toBe('INVALID_CREDENTIALS');

  // Registration: the same answer twice, and one user's options answered by another.
  const other = await registerUser(server);
  const regOptions = (await server.gql(REGISTRATION_OPTIONS, { password: other.password }, { token: other.token })).data.passkeyRegistrationOptions;
  const answer = authenticator().create(regOptions);
  expect(errorCode(await server.gql(REGISTER_PASSKEY, { response: answer }, { token: user.token }))).toBe('SECOND_FACTOR_INVALID');
  expect((await server.gql(REGISTER_PASSKEY, { response: answer }, { token: other.token })).errors).toBeUndefined();
  expect(errorCode(await server.gql(REGISTER_PASSKEY, { response: answer }, { token: other.token }))).toBe('SECOND_FACTOR_INVALID');
});

test('anything that is not a WebAuthn response is refused as such', async () => {
  const user = await registerUser(server);
  for (const response of [null, 42, 'x', [], { id: 'a' }]) {
    const opts = (await server.gql(SIGN_IN_OPTIONS, {})).data.passkeySignInOptions;
    expect(errorCode(await server.gql(SIGN_IN_WITH_PASSKEY, { challengeId: opts.challengeId, response }))).toMatch(/INVALID_CREDENTIALS|BAD_USER_INPUT/);
    expect(errorCode(await server.gql(REGISTER_PASSKEY, { response }, { token: user.token }))).toMatch(/SECOND_FACTOR_INVALID|BAD_USER_INPUT/);
  }
  expect(errorCode(await server.gql(SIGN_IN_WITH_PASSKEY, { challengeId: 'x'.repeat(5000), response: {} }))).toBe('INVALID_CREDENTIALS');
});

test('deletePasskey: re-auth, only your own, a notice; the passkey no longer signs in', async () => {
  const { user, key, passkey } = await userWithPasskey();
  const other = await registerUser(server);
  expect(errorCode(await server.gql(DELETE_PASSKEY, { id: passkey.id, password: other.password }, { token: other.token }))).toBe('BAD_USER_INPUT');
  expect(errorCode(await server.gql(DELETE_PASSKEY, { id: passkey.id, password: 'wrong password' }, { token: user.token }))).toBe('BAD_USER_INPUT');
  expect((await server.gql(DELETE_PASSKEY, { id: passkey.id, password: user.password }, { token: user.token })).data.deletePasskey).toBe(true);
  await mail.smtp.waitFor((m) => m.to === user.email && m.subject === 'A passkey was removed from your account');
  expect(errorCode((await passkeySignIn(server, key)).result)).toBe('INVALID_CREDENTIALS');
});

test('a deactivated account cannot sign in with its passkey', async () => {
  const { user, key } = await userWithPasskey();
  const em = server.app.orm.em.fork();
  await em.nativeUpdate('User', { id: Number(user.user.id) }, { isActive: false });
  expect(errorCode((await passkeySignIn(server, key)).result)).toBe('INVALID_CREDENTIALS');
});

test('passkeySignInOptions is limited per IP; mandatory verification holds for passkeys too', async () => {
  const limited = await mail.start({ RATE_LIMIT_PASSKEY_OPTIONS: '2/60', ACCOUNT_EMAIL_VERIFICATION: 'mandatory' });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push(errorCode(await limited.gql(SIGN_IN_OPTIONS, {})) ?? 'ok');
  expect(statuses).toEqual(['ok', 'ok', 'RATE_LIMITED']);

  const strict = await mail.start({ ACCOUNT_EMAIL_VERIFICATION: 'mandatory' });
  const user = await registerUser(strict);
  // Registered under mandatory verification: no tokens yet, so sign in through a verified state first.
  const em = strict.app.orm.em.fork();
  await em.nativeUpdate('User', { id: Number(user.user.id) }, { emailVerified: true });
  const login = await strict.gql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', {
    u: user.user.username,
    p: user.password,
  });
  const key = authenticator();
  expect((await addPasskey(strict, key, { token: login.data.login.token, password: user.password })).errors).toBeUndefined();
  await em.nativeUpdate('User', { id: Number(user.user.id) }, { emailVerified: false });
  expect(errorCode((await passkeySignIn(strict, key)).result)).toBe('EMAIL_NOT_VERIFIED');
});

test('production without WEBAUTHN_RP_ID: passkey operations answer FORBIDDEN', async () => {
  const prod = await mail.start({
    NODE_ENV: 'production',
    METRICS_TOKEN: 'metrics-token-for-passkey-tests',
    PASSWORD_RESET_URL: 'https://app.example.test/reset?token={token}',
    EMAIL_VERIFICATION_URL: 'https://app.example.test/verify?token={token}',
    WEBAUTHN_RP_ID: undefined,
    WEBAUTHN_ORIGINS: undefined,
  });
  expect(errorCode(await prod.gql(SIGN_IN_OPTIONS, {}))).toBe('FORBIDDEN');
  expect(errorCode(await prod.gql(SIGN_IN_WITH_PASSKEY, { challengeId: 'x', response: {} }))).toBe('FORBIDDEN');
  const user = await registerUser(prod);
  expect(errorCode(await prod.gql(REGISTRATION_OPTIONS, { password: user.password }, { token: user.token }))).toBe('FORBIDDEN');
});
