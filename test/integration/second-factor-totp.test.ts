// TOTP and recovery codes over real HTTP (issue 13): enrolment changes
// nothing until confirmed; then every password sign-in stops at the second
// factor; a TOTP code and a recovery code each work once; turning it off
// restores plain sign-in; each change is mailed.
import { GOOD_PASSWORD, registerUser } from '../helpers/fixtures';
import { useMailServers } from '../helpers/mail-servers';
import { LOGIN, ME, REFRESH, VERIFY } from '../helpers/operations';
import {
  BEGIN_TOTP,
  CONFIRM_TOTP,
  challengeFor,
  DISABLE_TOTP,
  enrollTotp,
  MY_FACTORS,
  REGENERATE_CODES,
  SF_LOGIN,
  VERIFY_SECOND_FACTOR,
} from '../helpers/second-factor';
import { errorCode, firstError, type TestServer } from '../helpers/server';

const mail = useMailServers();
let server: TestServer;

beforeAll(async () => {
  server = await mail.start();
});

test('enrolment → sign-in needs the code → a recovery code works once → disable', async () => {
  const user = await registerUser(server);
  const other = await server.gql(SF_LOGIN, { username: user.user.username, password: GOOD_PASSWORD });
  expect(other.data.login.payload.amr).toEqual(['pwd']);

  const begun = await server.gql(BEGIN_TOTP, { password: user.password }, { token: user.token });
  const { secret, otpauthUri, qrCodeSvg } = begun.data.beginTotpEnrollment;
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(otpauthUri).toBe(`otpauth://totp/authql:${user.user.username}?secret=${secret}&issuer=authql&algorithm=SHA1&digits=6&period=30`);
  expect(qrCodeSvg).toMatch(/^<svg /);
  // Not confirmed yet: sign-in is as before.
  expect((await server.gql(LOGIN, { username: user.user.username, password: GOOD_PASSWORD })).data.login.token).toEqual(expect.any(String));

  const { app, recoveryCodes } = await enrollTotp(server, user);
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size).toBe(10);
  await mail.smtp.waitFor((m) => m.to === user.email && m.subject === 'Two-step sign-in is on');
  // Enrolment ends every other session; the one that enrolled goes on.
  expect(errorCode(await server.gql(REFRESH, { refreshToken: other.data.login.refreshToken }))).toBe('TOKEN_INVALID');
  expect((await server.gql(ME, {}, { token: user.token })).data.me.username).toBe(user.user.username);
  expect((await server.gql(MY_FACTORS, {}, { token: user.token })).data.me.secondFactors).toEqual({ totp: true, recoveryCodesLeft: 10, passkeys: [] });

  const challenge = await challengeFor(server, user);
  expect(challenge.methods).toEqual(['TOTP', 'RECOVERY_CODE']);
  expect(challenge.challengeToken).toEqual(expect.any(String));
  expect(challenge.expiresAt).toEqual(expect.any(Number));

  const signedIn = await server.gql(VERIFY_SECOND_FACTOR, { challengeToken: challenge.challengeToken, code: app.next() });
  const payload = signedIn.data.verifySecondFactor.payload;
  expect(payload.amr).toEqual(['pwd', 'otp', 'mfa']);
  expect(payload.authTime).toEqual(expect.any(Number));
  // The access token says so, and a refresh keeps it.
  const verified = await server.gql(VERIFY.replace('origIat }', 'origIat amr authTime }'), { token: signedIn.data.verifySecondFactor.token });
  expect(verified.data.verifyToken.payload).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], authTime: payload.authTime });
  const refreshed = await server.gql(REFRESH.replace('origIat }', 'origIat amr authTime }'), { refreshToken: signedIn.data.verifySecondFactor.refreshToken });
  expect(refreshed.data.refreshToken.payload).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], authTime: payload.authTime });

  const second = await challengeFor(server, user);
  const byCode = await server.gql(VERIFY_SECOND_FACTOR, { challengeToken: second.challengeToken, recoveryCode: recoveryCodes[0] });
  expect(byCode.data.verifySecondFactor.payload.amr).toEqual(['pwd', 'otp', 'mfa']);
  expect((await server.gql(MY_FACTORS, {}, { token: user.token })).data.me.secondFactors.recoveryCodesLeft).toBe(9);

  const third = await challengeFor(server, user);
  const again = await server.gql(VERIFY_SECOND_FACTOR, { challengeToken: third.challengeToken, recoveryCode: recoveryCodes[0] });
  expect(firstError(again)?.extensions).toMatchObject({ code: 'SECOND_FACTOR_INVALID', reason: 'CODE_INVALID' });
  expect(again.data).toBeNull();

  const off = await server.gql(DISABLE_TOTP, { password: user.password, code: recoveryCodes[1] }, { token: user.token });
  expect(off.data.disableTotp).toBe(true);
  await mail.smtp.waitFor((m) => m.to === user.email && m.subject === 'Two-step sign-in is off');
  const plain = await server.gql(SF_LOGIN, { username: user.user.username, password: GOOD_PASSWORD });
  expect(plain.data.login.payload.amr).toEqual(['pwd']);
  expect((await server.gql(MY_FACTORS, {}, { token: user.token })).data.me.secondFactors).toEqual({ totp: false, recoveryCodesLeft: 0, passkeys: [] });

  // None of the secrets reached the logs: the TOTP secret, a challenge token, a recovery code.
  const logs = server.logs.join('\n');
  for (const secretText of [secret, challenge.challengeToken, challenge.challengeToken.split('.')[1], recoveryCodes[0], recoveryCodes[5]]) {
    expect(logs).not.toContain(secretText);
  }
});

test('a TOTP code is accepted once: replayed, it is refused', async () => {
  const user = await registerUser(server);
  const { app } = await enrollTotp(server, user);
  // The enrolment's own code cannot sign in.
  const first = await challengeFor(server, user);
  const replayedEnrolment = await server.gql(VERIFY_SECOND_FACTOR, { challengeToken: first.challengeToken, code: app.replay() });
  expect(firstError(replayedEnrolment)?.extensions).toMatchObject({ code: 'SECOND_FACTOR_INVALID', reason: 'CODE_INVALID' });
  const ok = await server.gql(VERIFY_SECOND_FACTOR, { challengeToken: first.challengeToken, code: app.next() });
  expect(ok.data.verifySecondFactor.token).toEqual(expect.any(String));
  const next = await challengeFor(server, user);
  const replayed = await server.gql(VERIFY_SECOND_FACTOR, { challengeToken: next.challengeToken, code: app.replay() });
  expect(firstError(replayed)?.extensions).toMatchObject({ code: 'SECOND_FACTOR_INVALID', reason: 'CODE_INVALID' });
});

test('one code raced on two sign-ins signs in one of them', async () => {
  const user = await registerUser(server);
  const { app } = await enrollTotp(server, user);
  const [a, b] = [await challengeFor(server, user), await challengeFor(server, user)];
  const code = app.next();
  const answers = await Promise.all([a, b].map((c) => server.gql(VERIFY_SECOND_FACTOR, { challengeToken: c.challengeToken, code })));
  expect(answers.filter((r) => r.data?.verifySecondFactor?.token)).toHaveLength(1);
  expect(answers.map((r) => firstError(r)?.extensions?.reason).filter(Boolean)).toEqual(['CODE_INVALID']);
});

test('enrolment: identity first, a wrong first code changes nothing, and TOTP cannot be enrolled twice', async () => {
  const user = await registerUser(server);
  const wrongPassword = await server.gql(BEGIN_TOTP, { password: 'not the password' }, { token: user.token });
  expect(firstError(wrongPassword)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
  expect(errorCode(await server.gql(BEGIN_TOTP, { password: user.password }))).toBe('UNAUTHENTICATED');
  expect(firstError(await server.gql(CONFIRM_TOTP, { code: '123456' }, { token: user.token }))?.extensions?.field).toBe('code');

  await server.gql(BEGIN_TOTP, { password: user.password }, { token: user.token });
  const wrong = await server.gql(CONFIRM_TOTP, { code: '000000' }, { token: user.token });
  expect(firstError(wrong)?.extensions).toMatchObject({ code: 'SECOND_FACTOR_INVALID', reason: 'CODE_INVALID' });
  expect((await server.gql(LOGIN, { username: user.user.username, password: GOOD_PASSWORD })).data.login.token).toEqual(expect.any(String));

  const { recoveryCodes } = await enrollTotp(server, user);
  expect(recoveryCodes).toHaveLength(10);
  expect(firstError(await server.gql(BEGIN_TOTP, { password: user.password }, { token: user.token }))?.extensions?.code).toBe('BAD_USER_INPUT');
});

test('new recovery codes replace the old ones, and few left is mailed', async () => {
  const user = await registerUser(server);
  const { recoveryCodes } = await enrollTotp(server, user);
  const wrong = await server.gql(REGENERATE_CODES, { password: user.password, code: 'aaaaa-bbbbb' }, { token: user.token });
  expect(firstError(wrong)?.extensions).toMatchObject({ code: 'SECOND_FACTOR_INVALID', reason: 'CODE_INVALID' });
  const fresh = await server.gql(REGENERATE_CODES, { password: user.password, code: recoveryCodes[0] }, { token: user.token });
  const codes: string[] = fresh.data.regenerateRecoveryCodes;
  expect(codes).toHaveLength(10);
  await mail.smtp.waitFor((m) => m.to === user.email && m.subject === 'New recovery codes');
  const old = await challengeFor(server, user);
  expect(firstError(await server.gql(VERIFY_SECOND_FACTOR, { challengeToken: old.challengeToken, recoveryCode: recoveryCodes[1] }))?.extensions?.code).toBe(
    'SECOND_FACTOR_INVALID',
  );
  // Spend 8 of the new 10 (typed loosely: case and dashes are forgiven): the 8th leaves 2, and the user is told.
  for (const code of codes.slice(0, 8)) {
    const c = await challengeFor(server, user);
    const res = await server.gql(VERIFY_SECOND_FACTOR, { challengeToken: c.challengeToken, recoveryCode: code.toUpperCase().replace('-', ' ') });
    expect(res.data?.verifySecondFactor.token).toEqual(expect.any(String));
  }
  const notice = await mail.smtp.waitFor((m) => m.to === user.email && m.subject === 'Few recovery codes left');
  expect(notice.text).toContain('2 left');
});
