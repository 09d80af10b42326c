// The second-factor gate's challenge (issue 13): single use, useless to
// every other mutation, 5 minutes, 5 wrong answers; the per-account
// second-factor throttle; and the password's counters apart from it, so
// neither can lock the other out.
import { SecondFactorChallenge } from '../../src/entities';
import { purgeEnded } from '../../src/sessions/cleanup';
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { LOGIN, ME, REFRESH, REVOKE, VERIFY } from '../helpers/operations';
import { challengeFor, enrollTotp, VERIFY_SECOND_FACTOR } from '../helpers/second-factor';
import { errorCode, firstError, startTestServer, type TestServer } from '../helpers/server';

const RESET_PASSWORD = `mutation($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) }`;
const CHANGE_PASSWORD = `mutation($oldPassword: String!, $newPassword: String!) { changePassword(oldPassword: $oldPassword, newPassword: $newPassword) { token } }`;
const VERIFY_EMAIL = `mutation($token: String!) { verifyEmail(token: $token) { id } }`;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_LOGIN_ACCOUNT: '3/600', RATE_LIMIT_SECOND_FACTOR: '10/900' });
});
afterAll(() => server.stop());

const answer = (challengeToken: string, fields: { code?: string; recoveryCode?: string }) => server.gql(VERIFY_SECOND_FACTOR, { challengeToken, ...fields });
const invalid = (res: Awaited<ReturnType<typeof answer>>) => firstError(res)?.extensions;

test('a challenge token works once and nowhere else', async () => {
  const user = await registerUser(server);
  const { recoveryCodes } = await enrollTotp(server, user);
  const { challengeToken } = await challengeFor(server, user);

  expect(errorCode(await server.gql(REFRESH, { refreshToken: challengeToken }))).toBe('TOKEN_INVALID');
  expect(errorCode(await server.gql(REVOKE, { refreshToken: challengeToken }))).toBe('TOKEN_INVALID');
  expect(errorCode(await server.gql(VERIFY, { token: challengeToken }))).toBe('TOKEN_INVALID');
  expect((await server.gql(ME, {}, { token: challengeToken })).data.me).toBeNull();
  expect(errorCode(await server.gql(RESET_PASSWORD, { token: challengeToken, newPassword: 'another good password 42' }))).toBe('TOKEN_INVALID');
  expect(errorCode(await server.gql(VERIFY_EMAIL, { token: challengeToken }))).toBe('TOKEN_INVALID');

  const ok = await answer(challengeToken, { recoveryCode: recoveryCodes[0] });
  expect(ok.data.verifySecondFactor.user.username).toBe(user.user.username);
  expect(invalid(await answer(challengeToken, { recoveryCode: recoveryCodes[1] }))).toMatchObject({
    code: 'SECOND_FACTOR_INVALID',
    reason: 'CHALLENGE_INVALID',
  });
  // A forged one (right id, wrong secret) and garbage are the same answer.
  const [id] = challengeToken.split('.');
  expect(invalid(await answer(`${id}.${'A'.repeat(43)}`, { recoveryCode: recoveryCodes[1] }))?.reason).toBe('CHALLENGE_INVALID');
  expect(invalid(await answer('nonsense', { recoveryCode: recoveryCodes[1] }))?.reason).toBe('CHALLENGE_INVALID');
});

test('a password change since the challenge began ends it, as it ends sessions', async () => {
  const user = await registerUser(server);
  const { recoveryCodes } = await enrollTotp(server, user);
  const { challengeToken } = await challengeFor(server, user);
  const changed = await server.gql(CHANGE_PASSWORD, { oldPassword: user.password, newPassword: 'a brand new passphrase 77' }, { token: user.token });
  expect(changed.errors).toBeUndefined();
  expect(invalid(await answer(challengeToken, { recoveryCode: recoveryCodes[0] }))?.reason).toBe('CHALLENGE_INVALID');
});

test('a challenge past its 5 minutes is refused as expired', async () => {
  const user = await registerUser(server);
  const { recoveryCodes } = await enrollTotp(server, user);
  const { challengeToken, expiresAt } = await challengeFor(server, user);
  const [id] = challengeToken.split('.');
  const row = await server.app.orm.em.fork().findOneOrFail(SecondFactorChallenge, id);
  expect(Math.round((row.expiresAt.getTime() - row.createdAt.getTime()) / 1000)).toBe(300);
  expect(expiresAt).toBe(Math.floor(row.expiresAt.getTime() / 1000));
  await server.app.orm.em.fork().nativeUpdate(SecondFactorChallenge, { id }, { expiresAt: new Date(Date.now() - 1000) });
  expect(invalid(await answer(challengeToken, { recoveryCode: recoveryCodes[0] }))).toMatchObject({
    code: 'SECOND_FACTOR_INVALID',
    reason: 'CHALLENGE_EXPIRED',
  });
  // The sweep removes it once its retention is over (0 here); a live one stays.
  const live = await challengeFor(server, user);
  const purged = await purgeEnded(server.app.orm.em.fork(), 0, 180);
  expect(purged.secondFactorChallenges).toBeGreaterThanOrEqual(1);
  expect(await server.app.orm.em.fork().findOne(SecondFactorChallenge, id)).toBeNull();
  expect(await server.app.orm.em.fork().findOne(SecondFactorChallenge, live.challengeToken.split('.')[0])).not.toBeNull();
});

test('5 wrong answers spend the challenge; a new sign-in gets a new one', async () => {
  const user = await registerUser(server);
  const { recoveryCodes } = await enrollTotp(server, user);
  const { challengeToken } = await challengeFor(server, user);
  for (let i = 0; i < 5; i++) expect(invalid(await answer(challengeToken, { code: '000000' }))?.reason).toBe('CODE_INVALID');
  expect(invalid(await answer(challengeToken, { recoveryCode: recoveryCodes[0] }))?.reason).toBe('CHALLENGE_INVALID');
  const fresh = await challengeFor(server, user);
  expect((await answer(fresh.challengeToken, { recoveryCode: recoveryCodes[0] })).data.verifySecondFactor.token).toEqual(expect.any(String));
});

test('wrong answers are limited per account across challenges (10 per 15 minutes), apart from the password', async () => {
  const user = await registerUser(server);
  const { recoveryCodes } = await enrollTotp(server, user);
  let current = '';
  for (let i = 0; i < 10; i++) {
    if (i % 4 === 0) current = (await challengeFor(server, user)).challengeToken;
    expect(invalid(await answer(current, { code: '000000' }))?.code).toBe('SECOND_FACTOR_INVALID');
  }
  // The password still works (its counter is its own) and asks for the second factor, which is now locked.
  const { challengeToken } = await challengeFor(server, user);
  expect(errorCode(await answer(challengeToken, { recoveryCode: recoveryCodes[0] }))).toBe('RATE_LIMITED');
});

test('a password lockout does not block the second step', async () => {
  const user = await registerUser(server);
  const { recoveryCodes } = await enrollTotp(server, user);
  const { challengeToken } = await challengeFor(server, user);
  for (let i = 0; i < 3; i++) expect(errorCode(await server.gql(LOGIN, { username: user.user.username, password: 'wrong' }))).toBe('INVALID_CREDENTIALS');
  expect(errorCode(await server.gql(LOGIN, { username: user.user.username, password: GOOD_PASSWORD }))).toBe('RATE_LIMITED');
  const ok = await answer(challengeToken, { recoveryCode: recoveryCodes[0] });
  expect(ok.data.verifySecondFactor.token).toEqual(expect.any(String));
});

test('an answer must be one of the offered methods', async () => {
  const user = await registerUser(server);
  const { recoveryCodes } = await enrollTotp(server, user);
  const { challengeToken } = await challengeFor(server, user);
  expect(firstError(await answer(challengeToken, {}))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
  expect(firstError(await answer(challengeToken, { code: '123456', recoveryCode: recoveryCodes[0] }))?.extensions?.code).toBe('BAD_USER_INPUT');
  // Neither counted against the challenge: it still works.
  expect((await answer(challengeToken, { recoveryCode: recoveryCodes[0] })).data.verifySecondFactor.token).toEqual(expect.any(String));
});
