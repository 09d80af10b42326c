// Kakao sign-in with its OpenID Connect ID token over real HTTP, against a
// fake Kakao key server on loopback that signs with its own keys and Kakao's
// real issuer; and how it meets the access-token way in.
import { User } from '../../src/entities';
import { idTokenProviderSuite } from '../helpers/id-token-suite';
import { firstError } from '../helpers/server';
import { CLIENT_IDS, idTokenLogin, newToken, SOCIAL_LOGIN, socialLogin, useSocialServer } from '../helpers/social';

let nextId = 4700000000;
const newSubject = () => String(++nextId);
const profile = (sub: string) => ({
  nickname: `카카오 ${sub.slice(-4)}`,
  picture: 'https://k.kakaocdn.example/p.jpg',
  auth_time: Math.floor(Date.now() / 1000),
});

describe('the checks every ID-token provider passes', () => {
  idTokenProviderSuite({
    provider: 'KAKAO',
    newSubject,
    profile,
    username: (sub) => `카카오_${sub.slice(-4)}`,
    nonceClaim: (raw) => raw,
  });
});

describe('Kakao OIDC specifics', () => {
  const s = useSocialServer();
  const [restApiKey, nativeAppKey] = CLIENT_IDS.KAKAO;
  const sign = (extra: Record<string, unknown> = {}, sub = newSubject()) => s.keys.KAKAO.sign({ aud: nativeAppKey, sub, ...profile(sub), ...extra });

  test('a user who signed in with an access token gets the same account with an ID token, and back', async () => {
    const id = ++nextId;
    const viaAccess = (await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user: { id, nickname: 'both ways' } }))).data.socialLogin;
    const viaId = await idTokenLogin(s.server, 'KAKAO', sign({}, String(id)));
    expect(viaId.errors).toBeUndefined();
    expect(viaId.data.socialLogin).toMatchObject({
      isNewUser: false,
      user: { id: viaAccess.user.id },
      socialAccount: { id: viaAccess.socialAccount.id, uid: String(id) },
    });
    const again = (await socialLogin(s.server, 'KAKAO', s.kakao.add(newToken('kakao'), { user: { id, nickname: 'both ways' } }))).data.socialLogin;
    expect(again.socialAccount.id).toBe(viaAccess.socialAccount.id);
  });

  test('the REST API key and the native app key are both our audiences', async () => {
    for (const aud of [restApiKey, nativeAppKey]) expect((await idTokenLogin(s.server, 'KAKAO', sign({ aud }))).errors).toBeUndefined();
  });

  test('an email in the ID token is stored unverified unless the token says email_verified', async () => {
    const plain = (await idTokenLogin(s.server, 'KAKAO', sign({ email: `k${nextId}@kakao.example` }))).data.socialLogin;
    const vouched = (await idTokenLogin(s.server, 'KAKAO', sign({ email: `v${nextId}@kakao.example`, email_verified: true }))).data.socialLogin;
    const em = s.server.app.orm.em.fork();
    expect(await em.findOneOrFail(User, Number(plain.user.id))).toMatchObject({ emailVerified: false });
    expect(await em.findOneOrFail(User, Number(vouched.user.id))).toMatchObject({ emailVerified: true });
  });

  test('a sub that is not a Kakao user number is PROVIDER_UNAVAILABLE, not a crash', async () => {
    const res = await idTokenLogin(s.server, 'KAKAO', sign({}, 'not-a-number'));
    expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'PROVIDER_UNAVAILABLE' });
  });

  test('a nonce goes with an ID token only: with an access token it is BAD_USER_INPUT on nonce, before any call', async () => {
    const res = await s.server.gql(SOCIAL_LOGIN, { provider: 'KAKAO', accessToken: s.kakao.add(newToken('kakao'), { user: { id: ++nextId } }), nonce: 'n' });
    expect(firstError(res)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'nonce' });
    const bad = await idTokenLogin(s.server, 'KAKAO', sign(), 'with space');
    expect(firstError(bad)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'nonce' });
    expect(s.kakao.calls).toHaveLength(0);
    expect(s.keys.KAKAO.calls).toHaveLength(0);
  });
});
