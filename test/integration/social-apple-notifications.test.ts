// Apple's server-to-server notifications, posted over real HTTP to
// /social/apple/notifications, signed by the fake Apple key server with
// Apple's issuer; and Apple's private relay addresses (never linked by email,
// shown as such, mailed nothing while Apple says they forward nothing).
import { createHash } from 'node:crypto';
import { SocialAccount, SocialProvider, User } from '../../src/entities';
import { newTestKey } from '../helpers/fake-jwks';
import { registerUser } from '../helpers/fixtures';
import { REFRESH } from '../helpers/operations';
import { firstError } from '../helpers/server';
import { CLIENT_IDS, CONNECT, type SocialSetup, startSocialServer, updateUser, useSocialServer } from '../helpers/social';

const [bundleId] = CLIENT_IDS.APPLE;
const sha256 = (raw: string) => createHash('sha256').update(raw).digest('hex');
let next = 0;
const newSub = () => `001393.${sha256(`apple-notify-${Date.now()}-${++next}`).slice(0, 32)}.${String(next).padStart(4, '0')}`;
const relayOf = (sub: string) => `${sub.slice(7, 17)}@privaterelay.appleid.com`;

const APPLE_LOGIN = `mutation($idToken: String) {
  socialLogin(provider: APPLE, idToken: $idToken) { token refreshToken user { id email } socialAccount { id relayEmail relayEmailEnabled } }
}`;

function helpers(s: SocialSetup) {
  const em = () => s.server.app.orm.em.fork();
  const signIn = async (sub: string, extra: Record<string, unknown> = {}) => {
    const res = await s.server.gql(APPLE_LOGIN, { idToken: s.keys.APPLE.sign({ aud: bundleId, sub, email_verified: 'true', ...extra }) });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.socialLogin;
  };
  const notification = (event: Record<string, unknown>, claims: Record<string, unknown> = {}, opts = {}) =>
    s.keys.APPLE.sign({ aud: bundleId, events: JSON.stringify({ event_time: Date.now(), ...event }), ...claims }, opts);
  const post = async (body: unknown, method = 'POST') => {
    const res = await fetch(`${s.server.app.origin}/social/apple/notifications`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const notify = (event: Record<string, unknown>, claims: Record<string, unknown> = {}, opts = {}) => post({ payload: notification(event, claims, opts) });
  const account = (uid: string) => em().findOne(SocialAccount, { provider: SocialProvider.APPLE, uid });
  return { em, signIn, notify, post, account };
}

describe('with APPLE_DELETE_ON_ACCOUNT_DELETE unset', () => {
  const s = useSocialServer({ SOCIAL_CONNECT_BY_EMAIL: 'true' });
  const h = helpers(s);

  test('consent-revoked unlinks the Apple account and ends its sessions; sent again, it changes nothing', async () => {
    const sub = newSub();
    const u = await h.signIn(sub);
    const first = await h.notify({ type: 'consent-revoked', sub });
    expect(first).toEqual({ status: 200, body: { outcome: 'unlinked' } });
    expect(await h.account(sub)).toBeNull();
    expect(await h.em().count(User, { id: Number(u.user.id) })).toBe(1);
    expect(firstError(await s.server.gql(REFRESH, { refreshToken: u.refreshToken }))).toBeDefined();
    expect(await h.notify({ type: 'consent-revoked', sub })).toEqual({ status: 200, body: { outcome: 'unknown_account' } });
  });

  test('account-delete unlinks too, and keeps the user unless told otherwise', async () => {
    const sub = newSub();
    const u = await h.signIn(sub);
    expect((await h.notify({ type: 'account-delete', sub })).body).toEqual({ outcome: 'unlinked' });
    expect(await h.em().count(User, { id: Number(u.user.id) })).toBe(1);
  });

  test('email-disabled and email-enabled record whether the relay forwards; nothing is mailed to a disabled one', async () => {
    const sub = newSub();
    const relay = relayOf(sub);
    const u = await h.signIn(sub, { email: relay, is_private_email: 'true' });
    expect(u.socialAccount).toMatchObject({ relayEmail: relay, relayEmailEnabled: true });
    expect((await h.notify({ type: 'email-disabled', sub, email: relay, is_private_email: 'true' })).body).toEqual({ outcome: 'email_disabled' });
    expect(await h.account(sub)).toMatchObject({ relayEmailEnabled: false });

    const mailsBefore = s.server.logs.filter((l) => l.includes('"reason":"relay_disabled"')).length;
    await s.server.gql('mutation($email: String!) { requestPasswordReset(email: $email) }', { email: relay });
    await s.server.app.services.background.drain();
    expect(s.server.logs.filter((l) => l.includes('"reason":"relay_disabled"')).length).toBe(mailsBefore + 1);

    expect((await h.notify({ type: 'email-enabled', sub, email: relay, is_private_email: 'true' })).body).toEqual({ outcome: 'email_enabled' });
    expect(await h.account(sub)).toMatchObject({ relayEmailEnabled: true });
  });

  test('an unknown event type is acknowledged and ignored', async () => {
    const sub = newSub();
    await h.signIn(sub);
    expect(await h.notify({ type: 'something-new', sub })).toEqual({ status: 200, body: { outcome: 'ignored' } });
    expect(await h.account(sub)).not.toBeNull();
  });

  test.each<[string, () => Promise<Record<string, unknown>>]>([
    ['signed with a foreign key under Apple’s kid', async () => ({ opts: { key: await newTestKey(), kid: s.keys.APPLE.published[0].kid } })],
    ['for another audience', async () => ({ claims: { aud: 'com.other.app' } })],
    ['expired', async () => ({ claims: { exp: Math.floor(Date.now() / 1000) - 3600 } })],
    ['from another issuer', async () => ({ claims: { iss: 'https://evil.example' } })],
  ])('a notification %s is refused (400) and changes nothing', async (_label, make) => {
    const sub = newSub();
    await h.signIn(sub);
    const { claims = {}, opts = {} } = (await make()) as { claims?: Record<string, unknown>; opts?: Record<string, unknown> };
    const res = await h.notify({ type: 'consent-revoked', sub }, claims, opts);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(await h.account(sub)).not.toBeNull();
  });

  test('a body that is not a notification is 400; a GET is 405', async () => {
    expect((await h.post('not json')).status).toBe(400);
    expect((await h.post({ nothing: true })).status).toBe(400);
    expect((await h.post(undefined, 'GET')).status).toBe(405);
  });

  test("Apple's keys unreachable: 503, so Apple sends it again", async () => {
    const sub = newSub();
    await h.signIn(sub);
    // A kid the cache has never seen makes authql ask Apple, which now fails.
    const fresh = await s.keys.APPLE.rotate();
    s.keys.APPLE.mode = 'error500';
    const res = await h.notify({ type: 'consent-revoked', sub }, {}, { key: fresh });
    expect(res.status).toBe(503);
    expect(await h.account(sub)).not.toBeNull();
  });

  test('a relay address is never linked to an account by email, even both verified with SOCIAL_CONNECT_BY_EMAIL', async () => {
    const sub = newSub();
    const relay = relayOf(sub);
    const alice = await registerUser(s.server, { email: relay });
    await updateUser(s.server, alice.user.id, { emailVerified: true });
    const res = await s.server.gql(APPLE_LOGIN, {
      idToken: s.keys.APPLE.sign({ aud: bundleId, sub, email: relay, email_verified: 'true', is_private_email: 'true' }),
    });
    expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'EMAIL_CONFLICT' });
    // A real address of the same shape of proof does link: only the relay is excluded.
    const own = `own-${sub.slice(7, 15)}@example.com`;
    const bob = await registerUser(s.server, { email: own });
    await updateUser(s.server, bob.user.id, { emailVerified: true });
    const linked = await s.server.gql(APPLE_LOGIN, { idToken: s.keys.APPLE.sign({ aud: bundleId, sub: newSub(), email: own, email_verified: 'true' }) });
    expect(linked.data.socialLogin.user.id).toBe(bob.user.id);
  });

  test('staff see a relay address as such on the user’s social accounts', async () => {
    const sub = newSub();
    const alice = await registerUser(s.server);
    const connected = await s.server.gql(
      CONNECT,
      { provider: 'APPLE', idToken: s.keys.APPLE.sign({ aud: bundleId, sub, email: relayOf(sub), is_private_email: true }), password: alice.password },
      { token: alice.token },
    );
    expect(connected.errors).toBeUndefined();
    const staff = await registerUser(s.server);
    await updateUser(s.server, staff.user.id, { isStaff: true });
    const res = await s.server.gql(
      'query($id: ID!) { user(id: $id) { socialAccounts { provider relayEmail relayEmailEnabled } } }',
      { id: alice.user.id },
      { token: staff.token },
    );
    expect(res.data.user.socialAccounts).toEqual([{ provider: 'APPLE', relayEmail: relayOf(sub), relayEmailEnabled: true }]);
  });
});

describe('with APPLE_DELETE_ON_ACCOUNT_DELETE=true', () => {
  let s: SocialSetup;
  beforeAll(async () => {
    s = await startSocialServer({ APPLE_DELETE_ON_ACCOUNT_DELETE: 'true' });
  });
  afterAll(() => s.stop());

  test('account-delete deletes a user whom Apple was the only way in', async () => {
    const h = helpers(s);
    const sub = newSub();
    const u = await h.signIn(sub);
    expect((await h.notify({ type: 'account-delete', sub })).body).toEqual({ outcome: 'user_deleted' });
    expect(await h.em().count(User, { id: Number(u.user.id) })).toBe(0);
  });

  test('a user with a password keeps the account: only the Apple link goes', async () => {
    const h = helpers(s);
    const sub = newSub();
    const alice = await registerUser(s.server);
    const connected = await s.server.gql(
      CONNECT,
      { provider: 'APPLE', idToken: s.keys.APPLE.sign({ aud: bundleId, sub }), password: alice.password },
      { token: alice.token },
    );
    expect(connected.errors).toBeUndefined();
    expect((await h.notify({ type: 'account-delete', sub })).body).toEqual({ outcome: 'unlinked' });
    expect(await h.em().count(User, { id: Number(alice.user.id) })).toBe(1);
  });

  test('consent-revoked never deletes', async () => {
    const h = helpers(s);
    const sub = newSub();
    const u = await h.signIn(sub);
    expect((await h.notify({ type: 'consent-revoked', sub })).body).toEqual({ outcome: 'unlinked' });
    expect(await h.em().count(User, { id: Number(u.user.id) })).toBe(1);
  });
});
