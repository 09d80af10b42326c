// Staff cannot climb (issue 11, point 3): a staff member cannot change the
// provider apps sign-in trusts (adding an audience would let them sign in as
// anyone with a token minted for another app), nor change, deactivate or
// delete another staff member or a superuser.
import { SocialApp, User } from '../../src/entities';
import { FACEBOOK_APP } from '../helpers/fake-facebook';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { LOGIN, ME } from '../helpers/operations';
import { SecretLog } from '../helpers/secrets';
import { errorCode, firstError, type TestServer } from '../helpers/server';
import { CLIENT_IDS, CREATE_APP, DELETE_APP, idTokenLogin, SOCIAL_APPS, UPDATE_APP, useSocialServer } from '../helpers/social';

const UPDATE_USER = `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id isActive firstName } }`;
const DELETE_USER = `mutation($id: ID!) { deleteUser(id: $id) }`;
const ATTACKER_CLIENT = 'attacker-client.apps.googleusercontent.com';
const ROOT_SUB = '110000000000000000042';

const s = useSocialServer();
const secrets = new SecretLog();
let root: { id: string; token: string };
let staff: Awaited<ReturnType<typeof registerUser>>;

async function promote(server: TestServer, id: string, flags: Partial<Pick<User, 'isStaff' | 'isSuperuser'>>): Promise<void> {
  await server.app.orm.em.fork().nativeUpdate(User, { id: Number(id) }, flags);
}
const googleToken = (aud: string, sub: string) =>
  secrets.add(s.keys.GOOGLE.sign({ aud, sub, email: `root${sub}@gmail.example`, email_verified: true, name: 'Root' }));

beforeAll(async () => {
  // The superuser signs in with Google (their Google `sub` is all the attacker needs to know).
  const signedIn = await idTokenLogin(s.server, 'GOOGLE', googleToken(CLIENT_IDS.GOOGLE[0], ROOT_SUB));
  root = { id: signedIn.data.socialLogin.user.id, token: secrets.add(signedIn.data.socialLogin.token) };
  await promote(s.server, root.id, { isStaff: true, isSuperuser: true });
  staff = await registerUser(s.server);
  await promote(s.server, staff.user.id, { isStaff: true });
  [staff.token, staff.password].forEach((x) => secrets.add(x));
});

describe('social apps need a superuser to change', () => {
  test('the attack: staff add an audience to the Google app and sign in as the superuser — refused', async () => {
    const apps = await s.server.gql(SOCIAL_APPS, {}, { token: staff.token });
    const google = apps.data.socialApps.find((a: { provider: string }) => a.provider === 'GOOGLE');
    const input = { provider: 'GOOGLE', name: google.name, clientId: google.clientId, extraClientIds: [...google.extraClientIds, ATTACKER_CLIENT] };
    const changed = await s.server.gql(UPDATE_APP, { id: google.id, input }, { token: staff.token });
    // A token the attacker's own Google client got for the superuser's account.
    const takeover = await idTokenLogin(s.server, 'GOOGLE', googleToken(ATTACKER_CLIENT, ROOT_SUB));
    const signedInAs = takeover.data?.socialLogin?.user.id ?? null;
    expect({ update: errorCode(changed), signedInAs, superuser: root.id }).toEqual({ update: 'FORBIDDEN', signedInAs: null, superuser: root.id });
    expect(firstError(takeover)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'WRONG_APP' });
    const stored = await s.server.app.orm.em.fork().findOneOrFail(SocialApp, Number(google.id));
    expect(stored.extraClientIds).not.toContain(ATTACKER_CLIENT);
  });

  test('staff cannot create or delete an app either (delete-and-recreate is the same climb)', async () => {
    const apps = (await s.server.gql(SOCIAL_APPS, {}, { token: staff.token })).data.socialApps;
    const google = apps.find((a: { provider: string }) => a.provider === 'GOOGLE');
    expect(errorCode(await s.server.gql(DELETE_APP, { id: google.id }, { token: staff.token }))).toBe('FORBIDDEN');
    expect(await s.server.app.orm.em.fork().count(SocialApp, { id: Number(google.id) })).toBe(1);
    const create = await s.server.gql(CREATE_APP, { input: { provider: 'GOOGLE', name: 'Mine', clientId: ATTACKER_CLIENT } }, { token: staff.token });
    expect(errorCode(create)).toBe('FORBIDDEN');
  });

  test('staff still list the apps, and no secret comes back', async () => {
    const list = await s.server.gql(SOCIAL_APPS, {}, { token: staff.token });
    expect(list.errors).toBeUndefined();
    expect(list.data.socialApps.map((a: { provider: string }) => a.provider).sort()).toEqual(['APPLE', 'FACEBOOK', 'GOOGLE', 'KAKAO', 'LINE', 'NAVER']);
    expect(list.data.socialApps.find((a: { provider: string }) => a.provider === 'FACEBOOK').hasSecret).toBe(true);
    expect(JSON.stringify(list)).not.toContain(FACEBOOK_APP.secret);
  });

  test('a superuser can change the app', async () => {
    const google = (await s.server.gql(SOCIAL_APPS, {}, { token: root.token })).data.socialApps.find((a: { provider: string }) => a.provider === 'GOOGLE');
    const input = { provider: 'GOOGLE', name: 'Google (prod)', clientId: google.clientId, extraClientIds: google.extraClientIds };
    const res = await s.server.gql(UPDATE_APP, { id: google.id, input }, { token: root.token });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateSocialApp.name).toBe('Google (prod)');
  });
});

describe('staff manage ordinary users only', () => {
  let colleague: Awaited<ReturnType<typeof registerUser>>;
  beforeAll(async () => {
    colleague = await registerUser(s.server);
    await promote(s.server, colleague.user.id, { isStaff: true });
    [colleague.token, colleague.password].forEach((x) => secrets.add(x));
  });

  test("staff cannot set another staff member's password, email or name, deactivate or delete them", async () => {
    const attempts: Array<[string, Record<string, unknown>]> = [
      [UPDATE_USER, { id: colleague.user.id, i: { password: 'chosen by the attacker' } }],
      [UPDATE_USER, { id: colleague.user.id, i: { email: 'attacker@example.test' } }],
      [UPDATE_USER, { id: colleague.user.id, i: { firstName: 'Mallory' } }],
      [UPDATE_USER, { id: colleague.user.id, i: { isActive: false } }],
      [DELETE_USER, { id: colleague.user.id }],
    ];
    for (const [doc, vars] of attempts) expect(errorCode(await s.server.gql(doc, vars, { token: staff.token }))).toBe('FORBIDDEN');
    const row = await s.server.app.orm.em.fork().findOneOrFail(User, Number(colleague.user.id));
    expect(row).toMatchObject({ isActive: true, firstName: '', email: colleague.email });
    // Their sessions and password are untouched.
    expect((await s.server.gql(ME, {}, { token: colleague.token })).data.me.id).toBe(colleague.user.id);
    expect((await s.server.gql(LOGIN, { username: colleague.user.username, password: GOOD_PASSWORD })).errors).toBeUndefined();
  });

  test('staff cannot change their own account through updateUser (updateMe re-checks the password)', async () => {
    const res = await s.server.gql(UPDATE_USER, { id: staff.user.id, i: { password: 'no current password asked' } }, { token: staff.token });
    expect(errorCode(res)).toBe('FORBIDDEN');
  });

  test('staff cannot touch the superuser', async () => {
    expect(errorCode(await s.server.gql(UPDATE_USER, { id: root.id, i: { isActive: false } }, { token: staff.token }))).toBe('FORBIDDEN');
    expect(errorCode(await s.server.gql(DELETE_USER, { id: root.id }, { token: staff.token }))).toBe('FORBIDDEN');
  });

  test('staff still manage ordinary users; a superuser manages staff', async () => {
    const member = await registerUser(s.server);
    expect((await s.server.gql(UPDATE_USER, { id: member.user.id, i: { firstName: 'Member' } }, { token: staff.token })).data.updateUser.firstName).toBe(
      'Member',
    );
    const renamed = await s.server.gql(UPDATE_USER, { id: colleague.user.id, i: { firstName: 'Colleague' } }, { token: root.token });
    expect(renamed.data.updateUser.firstName).toBe('Colleague');
    expect((await s.server.gql(DELETE_USER, { id: colleague.user.id }, { token: root.token })).data.deleteUser).toBe(true);
  });
});

test('the logs hold none of the secrets used', () => {
  expect(secrets.leakedIn(s.server.logs.join(''))).toEqual([]);
});
