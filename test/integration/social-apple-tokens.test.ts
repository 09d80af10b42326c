// Sign in with Apple beyond the identity token, over real HTTP against a fake
// Apple REST API on loopback that checks every client_secret: the name Apple
// gives the app once, the authorization code exchanged for a refresh token
// (stored sealed), and that token revoked at /auth/revoke when the account is
// deleted (by its owner or by staff) or unlinked, retried when Apple fails.
import { createHash } from 'node:crypto';
import { SocialAccount, SocialApp, SocialProvider, User } from '../../src/entities';
import { APPLE_KEY_ID, APPLE_TEAM_ID } from '../helpers/fake-apple';
import { registerUser } from '../helpers/fixtures';
import { firstError } from '../helpers/server';
import {
  CLIENT_IDS,
  CONNECT,
  DISCONNECT,
  rowCounts,
  SOCIAL_LOGIN,
  type SocialSetup,
  socialLogin,
  startSocialServer,
  UPDATE_APP,
  updateUser,
  useSocialServer,
} from '../helpers/social';

const s = useSocialServer({ APPLE_REVOKE_BACKOFF: '0', APPLE_REVOKE_ATTEMPTS: '3' });
const [bundleId] = CLIENT_IDS.APPLE;
const sha256 = (raw: string) => createHash('sha256').update(raw).digest('hex');
let next = 0;
const newSub = () => `001393.${sha256(`apple-tokens-${Date.now()}-${++next}`).slice(0, 32)}.${String(next).padStart(4, '0')}`;
const identityToken = (sub: string, extra: Record<string, unknown> = {}) => s.keys.APPLE.sign({ aud: bundleId, sub, email_verified: 'true', ...extra });
const failedWith = (why: string) => ({ code: 'SOCIAL_AUTH_FAILED', reason: why });

const APPLE_LOGIN = `mutation($idToken: String, $firstName: String, $lastName: String, $authorizationCode: String) {
  socialLogin(provider: APPLE, idToken: $idToken, firstName: $firstName, lastName: $lastName, authorizationCode: $authorizationCode) {
    token isNewUser user { id username } socialAccount { id uid relayEmail relayEmailEnabled }
  }
}`;
const appleLogin = (vars: Record<string, unknown>) => s.server.gql(APPLE_LOGIN, vars);
const em = () => s.server.app.orm.em.fork();
const drain = () => s.server.app.services.background.drain();

async function superuserToken(): Promise<string> {
  const admin = await registerUser(s.server);
  await updateUser(s.server, admin.user.id, { isStaff: true });
  const e = em();
  e.assign(await e.findOneOrFail(User, Number(admin.user.id)), { isSuperuser: true });
  await e.flush();
  return admin.token;
}

async function setAppleCredentials(fields: Record<string, unknown>) {
  const app = await em().findOneOrFail(SocialApp, { provider: SocialProvider.APPLE });
  const input = { provider: 'APPLE', name: 'Apple', clientId: app.clientId, extraClientIds: app.extraClientIds, ...fields };
  return s.server.gql(UPDATE_APP, { id: String(app.id), input }, { token: await superuserToken() });
}

const storedToken = async (uid: string) =>
  (await em().findOneOrFail(SocialAccount, { provider: SocialProvider.APPLE, uid }, { populate: ['providerToken'] })).providerToken;

describe('the name Apple gives the app once', () => {
  test('names a new user; a later sign-in with another name renames nobody', async () => {
    const sub = newSub();
    const first = await appleLogin({ idToken: identityToken(sub), firstName: '  Ada ', lastName: 'Lovelace' });
    expect(first.errors).toBeUndefined();
    const id = Number(first.data.socialLogin.user.id);
    expect(await em().findOneOrFail(User, id)).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
    // The username never carries the legal name: usernames are visible to every signed-in user.
    expect(first.data.socialLogin.user.username).toBe(`apple_${sub}`);

    const again = await appleLogin({ idToken: identityToken(sub), firstName: 'Someone', lastName: 'Else' });
    expect(again.data.socialLogin).toMatchObject({ isNewUser: false, user: { id: String(id) } });
    expect(await em().findOneOrFail(User, id)).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
  });

  test('other providers take no name or authorization code: BAD_USER_INPUT before any call', async () => {
    const vars = { provider: 'NAVER', accessToken: 'naver-token' };
    const withName = await s.server.gql(
      SOCIAL_LOGIN.replace('$nonce: String)', '$nonce: String, $firstName: String)').replace('nonce: $nonce)', 'nonce: $nonce, firstName: $firstName)'),
      { ...vars, firstName: 'A' },
    );
    expect(firstError(withName)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'firstName' });
    expect(s.naver.calls).toHaveLength(0);
  });
});

describe('the authorization code', () => {
  test('without Team ID, Key ID and private key on the app, a code is PROVIDER_NOT_CONFIGURED and nothing is written', async () => {
    const before = await rowCounts(s.server);
    const sub = newSub();
    const res = await appleLogin({ idToken: identityToken(sub), authorizationCode: s.appleApi.newCode({ sub, clientId: bundleId }) });
    expect(firstError(res)?.extensions).toEqual(failedWith('PROVIDER_NOT_CONFIGURED'));
    expect(await rowCounts(s.server)).toEqual(before);
    expect(s.appleApi.calls).toHaveLength(0);
  });

  test('the private key is write-only and must be a P-256 key (then set for every test below)', async () => {
    const bad = await setAppleCredentials({ teamId: APPLE_TEAM_ID, keyId: APPLE_KEY_ID, privateKey: 'not a key' });
    expect(firstError(bad)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'privateKey' });
    const ok = await setAppleCredentials({ teamId: APPLE_TEAM_ID, keyId: APPLE_KEY_ID, privateKey: s.appleApi.privateKeyPem });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.updateSocialApp).toMatchObject({ provider: 'APPLE' });
    const row = await em().findOneOrFail(SocialApp, { provider: SocialProvider.APPLE });
    expect(row).toMatchObject({ teamId: APPLE_TEAM_ID, keyId: APPLE_KEY_ID, hasPrivateKey: true });
    // Sealed at rest: the PEM is not in the column.
    expect(row.privateKey).toMatch(/^v1\./);
    expect(row.privateKey).not.toContain('PRIVATE KEY');
  });

  test('is exchanged with a client_secret Apple accepts (ES256, kid, iss, sub, aud, lifetime); the refresh token is stored sealed', async () => {
    const sub = newSub();
    const code = s.appleApi.newCode({ sub, clientId: bundleId });
    const res = await appleLogin({ idToken: identityToken(sub), authorizationCode: code });
    expect(res.errors).toBeUndefined();
    const token = s.appleApi.calls.find((c) => c.path === '/auth/token');
    expect(token?.form).toMatchObject({ client_id: bundleId, code, grant_type: 'authorization_code' });
    const [check] = s.appleApi.secretChecks;
    expect(check).toMatchObject({ ok: true, header: { alg: 'ES256', kid: APPLE_KEY_ID } });
    expect(check.claims).toMatchObject({ iss: APPLE_TEAM_ID, sub: bundleId, aud: 'https://appleid.apple.com' });
    expect((check.claims?.exp ?? 0) - (check.claims?.iat ?? 0)).toBeLessThanOrEqual(15_777_000);

    const [refresh] = [...s.appleApi.issued].find(([, v]) => v.sub === sub) ?? [];
    const sealed = await storedToken(sub);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(refresh);
    expect(s.server.logs.join('\n')).not.toContain(refresh);
  });

  test('once a token is stored, a later sign-in’s code is not exchanged (one grant is enough to revoke)', async () => {
    const sub = newSub();
    await appleLogin({ idToken: identityToken(sub), authorizationCode: s.appleApi.newCode({ sub, clientId: bundleId }) });
    const sealed = await storedToken(sub);
    s.appleApi.reset();
    const again = await appleLogin({ idToken: identityToken(sub), authorizationCode: s.appleApi.newCode({ sub, clientId: bundleId }) });
    expect(again.errors).toBeUndefined();
    expect(s.appleApi.calls).toHaveLength(0);
    expect(await storedToken(sub)).toBe(sealed);
  });

  test('the client_secret is reused until it nears its end, not signed per call', async () => {
    for (const sub of [newSub(), newSub()])
      await appleLogin({ idToken: identityToken(sub), authorizationCode: s.appleApi.newCode({ sub, clientId: bundleId }) });
    const secrets = s.appleApi.calls.filter((c) => c.path === '/auth/token').map((c) => c.form.client_secret);
    expect(secrets).toHaveLength(2);
    expect(secrets[0]).toBe(secrets[1]);
  });

  test('a code of another Apple user, or a used one, is TOKEN_REJECTED with nothing written', async () => {
    const before = await rowCounts(s.server);
    const sub = newSub();
    const foreign = await appleLogin({ idToken: identityToken(sub), authorizationCode: s.appleApi.newCode({ sub: newSub(), clientId: bundleId }) });
    expect(firstError(foreign)?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
    const used = s.appleApi.newCode({ sub, clientId: bundleId });
    s.appleApi.codes.delete(used);
    expect(firstError(await appleLogin({ idToken: identityToken(sub), authorizationCode: used }))?.extensions).toEqual(failedWith('TOKEN_REJECTED'));
    expect(await rowCounts(s.server)).toEqual(before);
  });

  test('Apple down at the exchange is PROVIDER_UNAVAILABLE with nothing written', async () => {
    const before = await rowCounts(s.server);
    s.appleApi.mode = 'error500';
    const sub = newSub();
    const res = await appleLogin({ idToken: identityToken(sub), authorizationCode: s.appleApi.newCode({ sub, clientId: bundleId }) });
    expect(firstError(res)?.extensions).toEqual(failedWith('PROVIDER_UNAVAILABLE'));
    expect(await rowCounts(s.server)).toEqual(before);
  });
});

describe('revocation', () => {
  beforeAll(async () => {
    await setAppleCredentials({ teamId: APPLE_TEAM_ID, keyId: APPLE_KEY_ID, privateKey: s.appleApi.privateKeyPem });
  });
  /** An Apple-only user who signed in with a code: their Apple refresh token and session. */
  async function appleUser() {
    const sub = newSub();
    const res = await appleLogin({ idToken: identityToken(sub), authorizationCode: s.appleApi.newCode({ sub, clientId: bundleId }) });
    const [refresh] = [...s.appleApi.issued].find(([, v]) => v.sub === sub) ?? [];
    return { sub, refresh, ...res.data.socialLogin };
  }
  const revokeCalls = () => s.appleApi.calls.filter((c) => c.path === '/auth/revoke');

  test('deleteMe revokes the Apple token with a valid client_secret, after the deletion', async () => {
    const u = await appleUser();
    const res = await s.server.gql('mutation($p: String!) { deleteMe(password: $p) }', { p: u.user.username }, { token: u.token });
    expect(res.errors).toBeUndefined();
    expect(await em().count(User, { id: Number(u.user.id) })).toBe(0);
    await drain();
    expect(s.appleApi.revoked).toContain(u.refresh);
    expect(revokeCalls().at(-1)?.form).toMatchObject({ client_id: bundleId, token: u.refresh, token_type_hint: 'refresh_token' });
    expect(s.appleApi.secretChecks.at(-1)?.ok).toBe(true);
  });

  test('staff deleting the user revokes it too', async () => {
    const u = await appleUser();
    const res = await s.server.gql('mutation($id: ID!) { deleteUser(id: $id) }', { id: u.user.id }, { token: await superuserToken() });
    expect(res.errors).toBeUndefined();
    await drain();
    expect(s.appleApi.revoked).toContain(u.refresh);
  });

  test('disconnecting the Apple account revokes its token; the account keeps its password way in', async () => {
    const alice = await registerUser(s.server);
    const sub = newSub();
    const code = s.appleApi.newCode({ sub, clientId: bundleId });
    const CONNECT_APPLE = CONNECT.replace('$password: String)', '$password: String, $authorizationCode: String)').replace(
      'password: $password)',
      'password: $password, authorizationCode: $authorizationCode)',
    );
    const linked = await s.server.gql(
      CONNECT_APPLE,
      { provider: 'APPLE', idToken: identityToken(sub), password: alice.password, authorizationCode: code },
      { token: alice.token },
    );
    expect(linked.errors).toBeUndefined();
    const [refresh] = [...s.appleApi.issued].find(([, v]) => v.sub === sub) ?? [];
    expect(await storedToken(sub)).toMatch(/^v1\./);
    expect((await s.server.gql(DISCONNECT, { id: linked.data.connectSocialAccount.id }, { token: alice.token })).data).toEqual({
      disconnectSocialAccount: true,
    });
    await drain();
    expect(s.appleApi.revoked).toContain(refresh);
  });

  test('Apple failing once: the deletion stands, the revocation is retried in the background and logged', async () => {
    const u = await appleUser();
    s.appleApi.failRevokes = 1;
    const res = await s.server.gql('mutation($p: String!) { deleteMe(password: $p) }', { p: u.user.username }, { token: u.token });
    expect(res.data).toEqual({ deleteMe: true });
    await drain();
    expect(revokeCalls()).toHaveLength(2);
    expect(s.appleApi.revoked).toContain(u.refresh);
    const logs = s.server.logs.join('\n');
    expect(logs).toMatch(/"event":"apple_revoke_retry"/);
    expect(logs).not.toContain(u.refresh);
  });

  test('Apple failing every try: the deletion stands and the give-up is logged', async () => {
    const u = await appleUser();
    s.appleApi.failRevokes = 100;
    const res = await s.server.gql('mutation($p: String!) { deleteMe(password: $p) }', { p: u.user.username }, { token: u.token });
    expect(res.data).toEqual({ deleteMe: true });
    await drain();
    expect(revokeCalls()).toHaveLength(3);
    expect(s.server.logs.join('\n')).toMatch(/"event":"apple_revoke_failed"/);
  });

  test('an account without a stored Apple token deletes without any call to Apple', async () => {
    const sub = newSub();
    const u = (await appleLogin({ idToken: identityToken(sub) })).data.socialLogin;
    await s.server.gql('mutation($p: String!) { deleteMe(password: $p) }', { p: u.user.username }, { token: u.token });
    await drain();
    expect(revokeCalls()).toHaveLength(0);
  });
});

describe('shutdown with a revocation waiting to retry', () => {
  let other: SocialSetup;
  beforeAll(async () => {
    other = await startSocialServer({ APPLE_REVOKE_BACKOFF: '3600' });
  });
  afterAll(() => other.stop().catch(() => undefined));

  test('does not wait for it: the retry is given up and logged', async () => {
    const app = await other.server.app.orm.em.fork().findOneOrFail(SocialApp, { provider: SocialProvider.APPLE });
    const admin = await registerUser(other.server);
    const e = other.server.app.orm.em.fork();
    e.assign(await e.findOneOrFail(User, Number(admin.user.id)), { isStaff: true, isSuperuser: true });
    await e.flush();
    const input = {
      provider: 'APPLE',
      name: 'Apple',
      clientId: app.clientId,
      extraClientIds: app.extraClientIds,
      teamId: APPLE_TEAM_ID,
      keyId: APPLE_KEY_ID,
      privateKey: other.appleApi.privateKeyPem,
    };
    expect((await other.server.gql(UPDATE_APP, { id: String(app.id), input }, { token: admin.token })).errors).toBeUndefined();
    const sub = newSub();
    const idToken = other.keys.APPLE.sign({ aud: bundleId, sub });
    const u = (await other.server.gql(APPLE_LOGIN, { idToken, authorizationCode: other.appleApi.newCode({ sub, clientId: bundleId }) })).data.socialLogin;
    other.appleApi.failRevokes = 1;
    await other.server.gql('mutation($p: String!) { deleteMe(password: $p) }', { p: u.user.username }, { token: u.token });
    // The first try fails; the next would be an hour later. Stopping must not wait for it.
    while (!other.server.logs.join('\n').includes('"event":"apple_revoke_retry"')) await new Promise((r) => setTimeout(r, 20));
    await other.server.stop();
    expect(other.server.logs.join('\n')).toMatch(/"event":"apple_revoke_abandoned"/);
  });
});

test('socialLogin for Apple works as before with just the identity token', async () => {
  expect((await socialLogin(s.server, 'APPLE', 'x')).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'accessToken' });
});
