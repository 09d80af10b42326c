// Google sign-in with ID tokens over real HTTP, against a fake Google key
// server on loopback that signs with its own keys and Google's real issuer.
import { User } from '../../src/entities';
import { registerUser } from '../helpers/fixtures';
import { idTokenProviderSuite } from '../helpers/id-token-suite';
import { firstError } from '../helpers/server';
import { CLIENT_IDS, idTokenLogin, SOCIAL_LOGIN, updateUser, useSocialServer } from '../helpers/social';

// Google's subs are 21-digit strings, beyond what a JS number holds exactly.
let nextSub = 0;
const newSubject = () => `1100${String(++nextSub).padStart(17, '0')}`;
const profile = (sub: string) => ({
  name: `Google User ${sub.slice(-4)}`,
  picture: `https://lh3.googleusercontent.example/${sub}`,
  email: `g${sub}@gmail.example`,
  email_verified: true,
});

describe('the checks every ID-token provider passes', () => {
  idTokenProviderSuite({
    provider: 'GOOGLE',
    newSubject,
    profile,
    username: (sub) => `Google_User_${sub.slice(-4)}`,
    nonceClaim: (raw) => raw,
  });
});

describe('Google specifics', () => {
  const s = useSocialServer({ SOCIAL_CONNECT_BY_EMAIL: 'true' });
  const [web, ios, android] = CLIENT_IDS.GOOGLE;
  const sign = (extra: Record<string, unknown> = {}, sub = newSubject()) => s.keys.GOOGLE.sign({ aud: web, sub, ...profile(sub), ...extra });
  const userRow = (id: string) => s.server.app.orm.em.fork().findOneOrFail(User, Number(id));

  test('both spellings of the issuer Google documents are accepted', async () => {
    for (const iss of ['https://accounts.google.com', 'accounts.google.com']) {
      expect((await idTokenLogin(s.server, 'GOOGLE', sign({ iss }))).errors).toBeUndefined();
    }
    expect(firstError(await idTokenLogin(s.server, 'GOOGLE', sign({ iss: 'http://accounts.google.com' })))?.extensions?.reason).toBe('TOKEN_REJECTED');
  });

  test('tokens for the iOS and Android client IDs work; several audiences need azp to be ours', async () => {
    expect((await idTokenLogin(s.server, 'GOOGLE', sign({ aud: ios }))).errors).toBeUndefined();
    expect((await idTokenLogin(s.server, 'GOOGLE', sign({ aud: [web, android], azp: android }))).errors).toBeUndefined();
    const res = await idTokenLogin(s.server, 'GOOGLE', sign({ aud: [web, android], azp: 'someone-else' }));
    expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'WRONG_APP' });
  });

  test('the email is verified only when the token says email_verified', async () => {
    const verified = (await idTokenLogin(s.server, 'GOOGLE', sign())).data.socialLogin;
    expect(await userRow(verified.user.id)).toMatchObject({ emailVerified: true });
    for (const flag of [false, 'false', undefined]) {
      const out = (await idTokenLogin(s.server, 'GOOGLE', sign({ email_verified: flag }))).data.socialLogin;
      expect(await userRow(out.user.id)).toMatchObject({ emailVerified: false });
    }
  });

  test('with SOCIAL_CONNECT_BY_EMAIL, a verified Google email links to the verified local account, an unverified one never does', async () => {
    const carol = await registerUser(s.server);
    await updateUser(s.server, carol.user.id, { emailVerified: true });
    const refused = await idTokenLogin(s.server, 'GOOGLE', sign({ email: carol.email, email_verified: false }));
    expect(firstError(refused)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'EMAIL_CONFLICT' });
    const linked = await idTokenLogin(s.server, 'GOOGLE', sign({ email: carol.email }));
    expect(linked.data.socialLogin).toMatchObject({ isNewUser: false, user: { id: carol.user.id } });
  });

  test('Google takes no access token: BAD_USER_INPUT on accessToken, before any call', async () => {
    const res = await s.server.gql(SOCIAL_LOGIN, { provider: 'GOOGLE', accessToken: 'ya29.some-access-token' });
    expect(firstError(res)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'accessToken' });
    const withNonce = await s.server.gql(SOCIAL_LOGIN, { provider: 'GOOGLE', accessToken: 'ya29.some-access-token', nonce: 'n' });
    expect(firstError(withNonce)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'accessToken' });
    expect(s.keys.GOOGLE.calls).toHaveLength(0);
  });

  test('a malformed ID token never leaves the server', async () => {
    for (const bad of ['not-a-jwt', 'a.b', 'a.b.c.d', `${'x'.repeat(9000)}.y.z`, 'a b.c.d']) {
      expect(firstError(await idTokenLogin(s.server, 'GOOGLE', bad))?.extensions?.reason).toBe('TOKEN_REJECTED');
    }
    expect(s.keys.GOOGLE.calls).toHaveLength(0);
  });
});
