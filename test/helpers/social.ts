// Social-login test setup: the real server pointed at fake Kakao and
// Facebook servers on loopback, provider apps stored, and the documents the
// social tests send. Apps and staff flags are written through MikroORM on
// the server's own database (no code of ours is mocked).
import { SocialAccount, SocialApp, SocialProvider, User } from '../../src/entities';
import type { Env } from '../../src/config';
import { FACEBOOK_APP, FakeFacebook } from './fake-facebook';
import { FakeKakao, KAKAO_APP_ID } from './fake-kakao';
import { startTestServer, type TestServer } from './server';

export const SOCIAL_ACCOUNT_FIELDS = 'id provider uid dateJoined lastLogin extraData';
export const SOCIAL_LOGIN = `mutation($provider: SocialProvider!, $accessToken: String!) {
  socialLogin(provider: $provider, accessToken: $accessToken) {
    token refreshToken refreshExpiresIn isNewUser
    payload { sub username }
    user { id username email socialAccounts { id provider uid } }
    socialAccount { ${SOCIAL_ACCOUNT_FIELDS} }
  }
}`;
export const CONNECT = `mutation($provider: SocialProvider!, $accessToken: String!) {
  connectSocialAccount(provider: $provider, accessToken: $accessToken) { ${SOCIAL_ACCOUNT_FIELDS} }
}`;
export const DISCONNECT = `mutation($id: ID!) { disconnectSocialAccount(id: $id) }`;
export const MY_SOCIAL_ACCOUNTS = `{ me { id socialAccounts { id provider uid } } }`;
export const APP_FIELDS = 'id provider name clientId key hasSecret';
export const SOCIAL_APPS = `{ socialApps { ${APP_FIELDS} } }`;
export const CREATE_APP = `mutation($input: SocialAppInput!) { createSocialApp(input: $input) { ${APP_FIELDS} } }`;
export const UPDATE_APP = `mutation($id: ID!, $input: SocialAppInput!) { updateSocialApp(id: $id, input: $input) { ${APP_FIELDS} } }`;
export const DELETE_APP = `mutation($id: ID!) { deleteSocialApp(id: $id) }`;

export interface SocialSetup {
  server: TestServer;
  kakao: FakeKakao;
  facebook: FakeFacebook;
  stop(): Promise<void>;
}

/** Fakes, the server (SQLite in memory) pointed at them, and both provider apps registered. */
export async function startSocialServer(env: Env = {}, opts: { apps?: boolean } = {}): Promise<SocialSetup> {
  const kakao = await new FakeKakao().start();
  const facebook = await new FakeFacebook().start();
  const server = await startTestServer({ KAKAO_API_URL: kakao.url, FACEBOOK_GRAPH_URL: `${facebook.url}/v19.0`, ...env });
  if (opts.apps !== false) await storeApps(server);
  return {
    server,
    kakao,
    facebook,
    async stop() {
      await server.stop();
      await Promise.all([kakao.stop(), facebook.stop()]);
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
    setup.kakao.reset();
    setup.facebook.reset();
  });
  return setup;
}

export async function storeApps(server: TestServer): Promise<void> {
  const em = server.app.orm.em.fork();
  em.create(SocialApp, { provider: SocialProvider.KAKAO, name: 'Kakao', clientId: 'kakao-rest-api-key', key: String(KAKAO_APP_ID) });
  em.create(SocialApp, { provider: SocialProvider.FACEBOOK, name: 'Facebook', clientId: FACEBOOK_APP.id, secret: FACEBOOK_APP.secret });
  await em.flush();
}

export const socialLogin = (server: TestServer, provider: 'KAKAO' | 'FACEBOOK', accessToken: string) =>
  server.gql(SOCIAL_LOGIN, { provider, accessToken });

/** Row counts that must not move when a sign-in fails. */
export async function rowCounts(server: TestServer) {
  const em = server.app.orm.em.fork();
  return { users: await em.count(User), socialAccounts: await em.count(SocialAccount), sessions: await em.count('Session') };
}

export async function updateUser(server: TestServer, id: string | number, change: Partial<Pick<User, 'isStaff' | 'isActive' | 'emailVerified'>>): Promise<void> {
  const em = server.app.orm.em.fork();
  const user = await em.findOneOrFail(User, Number(id));
  em.assign(user, change);
  await em.flush();
}

let tokens = 0;
/** A fresh, unguessable-looking provider token for each use. */
export const newToken = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${++tokens}-AbCdEfGh`;
