// allauth social login through rest-auth's SocialLoginView, as the old apps
// call it: `/rest-auth/<provider>/` with the SDK's access_token (Kakao,
// Facebook, Naver) or id_token (Google, Apple, Kakao OIDC), against loopback
// fakes of the providers and imported Django users. The app-binding checks
// are the ones socialLogin runs: a token issued to another app is refused.
import { createHash } from 'node:crypto';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { importDjangoSeed, KAKAO_UID_OF_ALICE, type RestClient, restClient } from '../helpers/django-compat';
import { expectShape, REST_AUTH_SHAPES as S, withCode } from '../helpers/drf-shapes';
import { OTHER_FACEBOOK_APP_ID } from '../helpers/fake-facebook';
import { OTHER_KAKAO_APP_ID } from '../helpers/fake-kakao';
import { CLIENT_IDS, newToken, rowCounts, type SocialSetup, startSocialServer } from '../helpers/social';

let s: SocialSetup;
let db: TestDatabase;
let rest: RestClient;

beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  s = await startSocialServer({ DJANGO_COMPAT: 'true', DATABASE_URL: db.url });
  await importDjangoSeed(db.url);
  rest = restClient(s.server.app.origin);
});
afterAll(async () => {
  await s.stop();
  await db.drop();
});

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

test('Kakao: the imported Django social account signs in to its imported user', async () => {
  const token = s.kakao.add(newToken('kakao'), { user: { id: Number(KAKAO_UID_OF_ALICE), nickname: 'alice' } });
  const res = await rest('POST', '/rest-auth/kakao/', { body: { json: { access_token: token } } });
  expectShape(res, S.social);
  expect(res.body.user).toMatchObject({ username: 'alice', email: 'alice@example.com' });
  expect((await s.server.gql('{ me { username } }', {}, { token: res.body.token })).data.me.username).toBe('alice');
});

test('a token issued to another app is refused (WRONG_APP) and nothing is written', async () => {
  const before = await rowCounts(s.server);
  const kakao = s.kakao.add(newToken('kakao'), { user: { id: 4100000777, nickname: 'mallory' }, appId: OTHER_KAKAO_APP_ID });
  const facebook = s.facebook.add(newToken('fb'), { user: { id: '10200300999', name: 'Mallory' }, appId: OTHER_FACEBOOK_APP_ID });
  expectShape(
    await rest('POST', '/rest-auth/kakao/', { body: { json: { access_token: kakao } } }),
    withCode(S.socialRefused, 'SOCIAL_AUTH_FAILED', 'WRONG_APP'),
  );
  expectShape(
    await rest('POST', '/rest-auth/facebook/', { client: 'http', body: { form: { access_token: facebook } } }),
    withCode(S.socialRefused, 'SOCIAL_AUTH_FAILED', 'WRONG_APP'),
  );
  const google = s.keys.GOOGLE.sign({ aud: 'someone-elses-client.apps.googleusercontent.com', sub: 'g-999', email: 'm@example.com', email_verified: true });
  expectShape(await rest('POST', '/rest-auth/google/', { body: { json: { id_token: google } } }), withCode(S.socialRefused, 'SOCIAL_AUTH_FAILED', 'WRONG_APP'));
  expect(await rowCounts(s.server)).toEqual(before);
});

test('Facebook and Naver access tokens, Google and Kakao ID tokens, and Apple as dj-rest-auth apps send it', async () => {
  const fb = s.facebook.add(newToken('fb'), { user: { id: '10200300400', name: 'Fay Book', email: 'fay@example.com' } });
  const naver = s.naver.add(newToken('naver'), { user: { id: 'naver-77', nickname: 'navi' } });
  const raw = 'raw-nonce-0123456789';
  const calls: Array<[string, Record<string, string>]> = [
    ['facebook', { access_token: fb }],
    ['naver', { access_token: naver }],
    ['google', { id_token: s.keys.GOOGLE.sign({ aud: CLIENT_IDS.GOOGLE[0], sub: 'g-1', email: 'gigi@example.com', email_verified: true }) }],
    ['kakao', { id_token: s.keys.KAKAO.sign({ aud: CLIENT_IDS.KAKAO[1], sub: '4100000555' }) }],
    // allauth's Apple adapter wants both fields; apps put the authorization code in access_token.
    ['apple', { access_token: 'c0de-from-apple', id_token: s.keys.APPLE.sign({ aud: CLIENT_IDS.APPLE[0], sub: 'a-1', nonce: sha256(raw) }), nonce: raw }],
  ];
  for (const [provider, fields] of calls) {
    const res = await rest('POST', `/rest-auth/${provider}/`, { client: 'http', body: { multipart: fields } });
    expectShape(res, S.social);
  }
});

test('what cannot be used: nothing, a code alone, an access token where an ID token is needed', async () => {
  expectShape(await rest('POST', '/rest-auth/kakao/', { body: { json: {} } }), withCode(S.socialNoToken, 'BAD_USER_INPUT'));
  expect(await rest('POST', '/rest-auth/facebook/', { body: { json: { code: 'an-oauth-code' } } })).toMatchObject({
    status: 400,
    body: { non_field_errors: [expect.stringMatching(/authorization codes/)], code: 'BAD_USER_INPUT' },
  });
  expect(await rest('POST', '/rest-auth/google/', { body: { json: { access_token: 'ya29.something' } } })).toMatchObject({
    status: 400,
    body: { access_token: [expect.stringMatching(/Google sign-in takes an idToken/)], code: 'BAD_USER_INPUT' },
  });
});

test('a new identity whose email already has an account: rest-auth’s own refusal', async () => {
  const fb = s.facebook.add(newToken('fb'), { user: { id: '10200300555', name: 'Not Bob', email: 'bob@example.com' } });
  expectShape(await rest('POST', '/rest-auth/facebook/', { body: { json: { access_token: fb } } }), {
    ...withCode(S.socialRefused, 'SOCIAL_AUTH_FAILED', 'EMAIL_CONFLICT'),
    body: { non_field_errors: ['User is already registered with this e-mail address.'], code: 'SOCIAL_AUTH_FAILED', reason: 'EMAIL_CONFLICT' },
  });
});
