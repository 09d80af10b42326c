// Audit rows and webhook events for the social side and the session endings:
// a social sign-up (user.registered, social_account.linked, sign_in with the
// provider), connect and disconnect, revokeSession, revokeToken and deleteMe.
import { AuditEvent, User, WebhookDelivery } from '../../src/entities';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { LOGIN, REVOKE } from '../helpers/operations';
import { CONNECT, DISCONNECT, newToken, socialLogin, useSocialServer } from '../helpers/social';
import { CREATE_WEBHOOK } from '../helpers/webhook-receiver';

const s = useSocialServer({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_POLL_INTERVAL: '0' });
let nextId = 7100000000;

async function actions(userId: string | number): Promise<string[]> {
  const rows = await s.server.app.orm.em.fork().find(AuditEvent, { userId: Number(userId) }, { orderBy: { id: 'asc' } });
  return rows.map((r) => `${r.action}${r.outcome === 'failure' ? ':failure' : ''}`);
}

async function events(userId: string | number): Promise<string[]> {
  // Delivery ids grow in commit order (one endpoint: one delivery per event); event timestamps may tie.
  const rows = await s.server.app.orm.em.fork().find(WebhookDelivery, {}, { orderBy: { id: 'asc' }, populate: ['event'] });
  return rows
    .map((d) => d.event)
    .filter((e) => JSON.parse(e.body).data.userId === String(userId))
    .map((e) => e.type);
}

beforeAll(async () => {
  // An endpoint for every event, with no worker: the outbox rows stay to be read.
  const root = await registerUser(s.server, { username: 'root-social' });
  await s.server.app.orm.em.fork().nativeUpdate(User, { id: Number(root.user.id) }, { isStaff: true, isSuperuser: true });
  const res = await s.server.gql(CREATE_WEBHOOK, { i: { url: 'http://127.0.0.1:9/none', events: ['*'] } }, { token: root.token });
  expect(res.errors).toBeUndefined();
});

test('a social sign-up, a connect and a disconnect', async () => {
  const kakao = s.kakao.add(newToken('kakao'), { user: { id: ++nextId, nickname: `k${nextId}` } });
  const first = (await socialLogin(s.server, 'KAKAO', kakao)).data.socialLogin;
  const userId = first.user.id;
  const fb = s.facebook.add(newToken('EAAB'), { user: { id: String(++nextId), name: `f${nextId}` } });
  const connected = await s.server.gql(CONNECT, { provider: 'FACEBOOK', accessToken: fb }, { token: first.token });
  expect(connected.errors).toBeUndefined();
  expect((await s.server.gql(DISCONNECT, { id: connected.data.connectSocialAccount.id }, { token: first.token })).errors).toBeUndefined();
  expect(await actions(userId)).toEqual(['user.registered', 'social_account.linked', 'sign_in', 'social_account.linked', 'social_account.unlinked']);
  expect(await events(userId)).toEqual(['user.created', 'social_account.linked', 'session.created', 'social_account.linked', 'social_account.unlinked']);
  const signIn = await s.server.app.orm.em.fork().findOneOrFail(AuditEvent, { userId: Number(userId), action: 'sign_in' });
  expect(signIn.detail.method).toBe('social:kakao');
});

test('revokeSession, revokeToken and deleteMe', async () => {
  const u = await registerUser(s.server);
  const second = (await s.server.gql(LOGIN, { username: u.user.username, password: GOOD_PASSWORD })).data.login;
  const sessions = await s.server.gql(`{ sessions { id current } }`, {}, { token: u.token });
  const other = sessions.data.sessions.find((x: { current: boolean }) => !x.current);
  expect((await s.server.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: other.id }, { token: u.token })).data.revokeSession).toBe(true);
  expect((await s.server.gql(REVOKE, { refreshToken: u.refreshToken })).errors).toBeUndefined();
  const third = (await s.server.gql(LOGIN, { username: u.user.username, password: GOOD_PASSWORD })).data.login;
  expect((await s.server.gql(`mutation($p: String!) { deleteMe(password: $p) }`, { p: GOOD_PASSWORD }, { token: third.token })).errors).toBeUndefined();
  expect(second.token).toBeTruthy();
  expect(await actions(u.user.id)).toEqual(['user.registered', 'sign_in', 'session.revoked', 'session.revoked', 'sign_in', 'account.deleted']);
  expect(await events(u.user.id)).toEqual([
    'user.created',
    'session.created',
    'session.created',
    'session.revoked',
    'session.revoked',
    'session.created',
    'user.deleted',
  ]);
});
