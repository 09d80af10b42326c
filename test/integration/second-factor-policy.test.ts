// Second-factor policy over HTTP (issue 13): MFA_REQUIRED_FOR_STAFF keeps
// staff powers from sessions without `mfa`; a superuser's resetSecondFactors;
// who sees User.secondFactors; and a stopped sign-in writes nothing.
import { User } from '../../src/entities';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { useMailServers } from '../helpers/mail-servers';
import { challengeFor, enrollTotp, RESET_FACTORS, SF_LOGIN, VERIFY_SECOND_FACTOR } from '../helpers/second-factor';
import { errorCode, firstError, type TestServer } from '../helpers/server';

const SOCIAL_APPS = `{ socialApps { provider } }`;
const FACTORS_OF = `query($id: ID!) { user(id: $id) { secondFactors { totp recoveryCodesLeft } lastLogin } }`;

const mail = useMailServers();

async function promote(server: TestServer, id: string, flags: Partial<Pick<User, 'isStaff' | 'isSuperuser'>>): Promise<void> {
  await server.app.orm.em.fork().nativeUpdate(User, { id: Number(id) }, flags);
}

describe('MFA_REQUIRED_FOR_STAFF=true', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await mail.start({ MFA_REQUIRED_FOR_STAFF: 'true' });
  });

  test('staff powers need a session with mfa; ordinary users are refused as before', async () => {
    const staff = await registerUser(server);
    await promote(server, staff.user.id, { isStaff: true });
    const noMfa = await server.gql(SOCIAL_APPS, {}, { token: staff.token });
    expect(firstError(noMfa)?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });

    // Enrolling needs no staff power; then a sign-in with the code carries mfa.
    const { app } = await enrollTotp(server, staff);
    const { challengeToken } = await challengeFor(server, staff);
    const signedIn = await server.gql(VERIFY_SECOND_FACTOR, { challengeToken, code: app.next() });
    expect((await server.gql(SOCIAL_APPS, {}, { token: signedIn.data.verifySecondFactor.token })).data.socialApps).toEqual([]);

    const plain = await registerUser(server);
    const refused = await server.gql(SOCIAL_APPS, {}, { token: plain.token });
    expect(firstError(refused)?.extensions?.code).toBe('FORBIDDEN');
    expect(firstError(refused)?.extensions?.reason).toBeUndefined();
  });
});

describe('by default', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await mail.start();
  });

  test('staff powers do not ask for mfa', async () => {
    const staff = await registerUser(server);
    await promote(server, staff.user.id, { isStaff: true });
    expect((await server.gql(SOCIAL_APPS, {}, { token: staff.token })).data.socialApps).toEqual([]);
  });

  test('a sign-in stopped at the second factor starts nothing: no session, no lastLogin', async () => {
    const user = await registerUser(server);
    await enrollTotp(server, user);
    const before = await server.gql(FACTORS_OF, { id: user.user.id }, { token: user.token });
    await challengeFor(server, user);
    const after = await server.gql(FACTORS_OF, { id: user.user.id }, { token: user.token });
    expect(after.data.user.lastLogin).toBe(before.data.user.lastLogin);
    const sessions = await server.gql(`{ sessions { id } }`, {}, { token: user.token });
    expect(sessions.errors ?? sessions.data.sessions).toHaveLength(1);
  });

  test('secondFactors: the user and staff see it, nobody else', async () => {
    const user = await registerUser(server);
    await enrollTotp(server, user);
    const stranger = await registerUser(server);
    const staff = await registerUser(server);
    await promote(server, staff.user.id, { isStaff: true });
    expect((await server.gql(FACTORS_OF, { id: user.user.id }, { token: stranger.token })).data.user.secondFactors).toBeNull();
    expect((await server.gql(FACTORS_OF, { id: user.user.id }, { token: staff.token })).data.user.secondFactors).toEqual({ totp: true, recoveryCodesLeft: 10 });
  });

  test('resetSecondFactors: superusers only; the user signs in with the password alone and is mailed', async () => {
    const user = await registerUser(server);
    await enrollTotp(server, user);
    const staff = await registerUser(server);
    await promote(server, staff.user.id, { isStaff: true });
    expect(errorCode(await server.gql(RESET_FACTORS, { userId: user.user.id }, { token: staff.token }))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(RESET_FACTORS, { userId: user.user.id }, { token: user.token }))).toBe('FORBIDDEN');

    const root = await registerUser(server);
    await promote(server, root.user.id, { isStaff: true, isSuperuser: true });
    const pending = await challengeFor(server, user);
    expect((await server.gql(RESET_FACTORS, { userId: user.user.id }, { token: root.token })).data.resetSecondFactors).toBe(true);
    await mail.smtp.waitFor((m) => m.to === user.email && m.subject === 'Your second factors were reset');
    expect((await server.gql(SF_LOGIN, { username: user.user.username, password: GOOD_PASSWORD })).data.login.payload.amr).toEqual(['pwd']);
    // Sign-ins waiting for the old factors are gone with them.
    expect(firstError(await server.gql(VERIFY_SECOND_FACTOR, { challengeToken: pending.challengeToken, code: '123456' }))?.extensions?.reason).toBe(
      'CHALLENGE_INVALID',
    );
    expect(firstError(await server.gql(RESET_FACTORS, { userId: '999999' }, { token: root.token }))?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'userId',
    });
  });
});
