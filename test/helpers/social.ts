// Social-login test setup: the real server pointed at fake Kakao, Facebook
// and Naver APIs and fake Google, Apple and Kakao key servers on loopback,
// provider apps stored, and the documents the social tests send. Apps and
// staff flags are written through MikroORM on the server's own database (no
// code of ours is mocked).

import type { Env } from '../../src/config';
import { SocialAccount, SocialApp, SocialProvider, User } from '../../src/entities';
import { FakeAppleApi } from './fake-apple';
import { FACEBOOK_APP, FakeFacebook } from './fake-facebook';
import { type FakeJwks, startAppleKeys, startGoogleKeys, startKakaoKeys } from './fake-jwks';
import { FakeKakao, KAKAO_APP_ID } from './fake-kakao';
import { FakeLine, LINE_CHANNEL_ID } from './fake-line';
import { FakeNaver } from './fake-naver';
import { startTestServer, type TestServer } from './server';

/** The client IDs stored in the test apps: an ID token must be addressed to one of them. */
export const CLIENT_IDS = {
  GOOGLE: ['web-client.apps.googleusercontent.com', 'ios-client.apps.googleusercontent.com', 'android-client.apps.googleusercontent.com'],
  APPLE: ['com.example.authql', 'com.example.authql.web'],
  KAKAO: ['kakao-rest-api-key', 'kakao-native-app-key'],
  NAVER: ['naver-client-id'],
  LINE: [LINE_CHANNEL_ID],
} as const;

export type ProviderName = 'KAKAO' | 'FACEBOOK' | 'GOOGLE' | 'APPLE' | 'NAVER' | 'LINE';

export const SOCIAL_ACCOUNT_FIELDS = 'id provider uid dateJoined lastLogin extraData';
export const SOCIAL_LOGIN = `mutation($provider: SocialProvider!, $accessToken: String, $idToken: String, $nonce: String) {
  socialLogin(provider: $provider, accessToken: $accessToken, idToken: $idToken, nonce: $nonce) {
    token refreshToken refreshExpiresIn isNewUser
    payload { sub username }
    user { id username email socialAccounts { id provider uid } }
    socialAccount { ${SOCIAL_ACCOUNT_FIELDS} }
  }
}`;
export const CONNECT = `mutation($provider: SocialProvider!, $accessToken: String, $idToken: String, $nonce: String, $password: String) {
  connectSocialAccount(provider: $provider, accessToken: $accessToken, idToken: $idToken, nonce: $nonce, password: $password) { ${SOCIAL_ACCOUNT_FIELDS} }
}`;
export const DISCONNECT = `mutation($id: ID!) { disconnectSocialAccount(id: $id) }`;
export const MY_SOCIAL_ACCOUNTS = `{ me { id socialAccounts { id provider uid } } }`;
export const APP_FIELDS = 'id provider name clientId extraClientIds key hasSecret';
export const SOCIAL_APPS = `{ socialApps { ${APP_FIELDS} } }`;
export const CREATE_APP = `mutation($input: SocialAppInput!) { createSocialApp(input: $input) { ${APP_FIELDS} } }`;
export const UPDATE_APP = `mutation($id: ID!, $input: SocialAppInput!) { updateSocialApp(id: $id, input: $input) { ${APP_FIELDS} } }`;
export const DELETE_APP = `mutation($id: ID!) { deleteSocialApp(id: $id) }`;

export interface SocialSetup {
  server: TestServer;
  kakao: FakeKakao;
  facebook: FakeFacebook;
  naver: FakeNaver;
  line: FakeLine;
  /** Apple's REST API (/auth/token, /auth/revoke). */
  appleApi: FakeAppleApi;
  /** The key servers of the ID-token providers. */
  keys: Record<'GOOGLE' | 'APPLE' | 'KAKAO', FakeJwks>;
  stop(): Promise<void>;
}

/** Fakes, the server (SQLite in memory) pointed at them, and every provider app registered. */
export async function startSocialServer(env: Env = {}, opts: { apps?: boolean } = {}): Promise<SocialSetup> {
  const [kakao, facebook, naver, line, google, apple, kakaoKeys] = await Promise.all([
    new FakeKakao().start(),
    new FakeFacebook().start(),
    new FakeNaver().start(),
    new FakeLine().start(),
    startGoogleKeys(),
    startAppleKeys(),
    startKakaoKeys(),
  ]);
  const appleApi = await new FakeAppleApi(apple).start();
  const server = await startTestServer({
    APPLE_API_URL: appleApi.url,
    KAKAO_API_URL: kakao.url,
    FACEBOOK_GRAPH_URL: `${facebook.url}/v19.0`,
    NAVER_API_URL: naver.url,
    LINE_API_URL: line.url,
    GOOGLE_JWKS_URL: google.jwksUrl,
    APPLE_JWKS_URL: apple.jwksUrl,
    KAKAO_JWKS_URL: kakaoKeys.jwksUrl,
    ...env,
  });
  if (opts.apps !== false) await storeApps(server);
  const fakes = [kakao, facebook, naver, line, appleApi, google, apple, kakaoKeys];
  return {
    server,
    kakao,
    facebook,
    naver,
    line,
    appleApi,
    keys: { GOOGLE: google, APPLE: apple, KAKAO: kakaoKeys },
    async stop() {
      await server.stop();
      await Promise.all(fakes.map((f) => f.stop()));
    },
  };
}

/** One setup for a test file (or describe block), with the fakes reset before each test. */
export function useSocialServer(env: Env = {}, opts: { apps?: boolean } = {}): SocialSetup {
  const setup = {} as SocialSetup;
  beforeAll(async () => {
    Object.assign(setup, await startSocialServer(env, opts));
  });
  afterAll(() => setup.stop());
  beforeEach(() => {
    for (const fake of [setup.kakao, setup.facebook, setup.naver, setup.line, setup.appleApi, ...Object.values(setup.keys)]) fake.reset();
  });
  return setup;
}

export async function storeApps(server: TestServer): Promise<void> {
  const em = server.app.orm.em.fork();
  const app = (provider: SocialProvider, name: string, [clientId, ...extraClientIds]: readonly string[], extra: Partial<SocialApp> = {}) =>
    em.create(SocialApp, { provider, name, clientId, extraClientIds, ...extra });
  app(SocialProvider.KAKAO, 'Kakao', CLIENT_IDS.KAKAO, { key: String(KAKAO_APP_ID) });
  app(SocialProvider.FACEBOOK, 'Facebook', [FACEBOOK_APP.id], { secret: FACEBOOK_APP.secret });
  app(SocialProvider.GOOGLE, 'Google', CLIENT_IDS.GOOGLE);
  app(SocialProvider.APPLE, 'Apple', CLIENT_IDS.APPLE);
  app(SocialProvider.NAVER, 'Naver', CLIENT_IDS.NAVER);
  app(SocialProvider.LINE, 'LINE', CLIENT_IDS.LINE);
  await em.flush();
}

export const socialLogin = (server: TestServer, provider: ProviderName, accessToken: string) => server.gql(SOCIAL_LOGIN, { provider, accessToken });

export const idTokenLogin = (server: TestServer, provider: ProviderName, idToken: string, nonce?: string) =>
  server.gql(SOCIAL_LOGIN, { provider, idToken, nonce });

/** Row counts that must not move when a sign-in fails. */
export async function rowCounts(server: TestServer) {
  const em = server.app.orm.em.fork();
  return { users: await em.count(User), socialAccounts: await em.count(SocialAccount), sessions: await em.count('Session') };
}

export async function updateUser(
  server: TestServer,
  id: string | number,
  change: Partial<Pick<User, 'isStaff' | 'isActive' | 'emailVerified'>>,
): Promise<void> {
  const em = server.app.orm.em.fork();
  const user = await em.findOneOrFail(User, Number(id));
  em.assign(user, change);
  await em.flush();
}

let tokens = 0;
/** A fresh, unguessable-looking provider token for each use. */
export const newToken = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${++tokens}-AbCdEfGh`;
