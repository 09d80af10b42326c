// rest-auth's login, logout, user, password and registration endpoints as
// the old apps call them, against imported Django users, compared key by key
// with what rest-auth 0.9.5 (REST_USE_JWT) answers. Mail goes to a real SMTP
// server on loopback; the links are read from it as an app's deep link would.
import { type CompatServer, DJANGO_USERS, obtainToken, type RestClient, restClient, startCompatServer } from '../helpers/django-compat';
import { AUTH_SHAPES, expectShape, REST_AUTH_SHAPES as S, USER_DETAILS, withCode } from '../helpers/drf-shapes';
import { SecretLog } from '../helpers/secrets';
import { startTestServer, type TestServer } from '../helpers/server';
import { type FakeSmtp, startFakeSmtp } from '../helpers/smtp';

const { alice, bob, carol } = DJANGO_USERS;
const RESET_URL = 'http://localhost:3000/password-reset/confirm/{uid}/{token}/';
const VERIFY_URL = 'http://localhost:3000/rest-auth/registration/account-confirm-email/{token}/';
const WWW = 'JWT realm="api"';
const secrets = new SecretLog();
let smtp: FakeSmtp;
let c: CompatServer;

beforeAll(async () => {
  smtp = await startFakeSmtp();
  c = await startCompatServer({ SMTP_URL: smtp.url, PASSWORD_RESET_URL: RESET_URL, EMAIL_VERIFICATION_URL: VERIFY_URL });
  for (const u of Object.values(DJANGO_USERS)) secrets.add(u.password);
});
afterAll(async () => {
  await c.stop();
  await smtp.stop();
});

const me = (token: string) => c.server.gql('{ me { id username firstName lastName } }', {}, { token });

describe('login and logout', () => {
  test('login answers {token, user} for a username or an email, in JSON, form and multipart', async () => {
    const bodies = [
      { json: { username: 'alice', password: alice.password } },
      { form: { username: 'alice', email: '', password: alice.password } },
      { multipart: { email: alice.email, password: alice.password } },
    ];
    for (const body of bodies) {
      const res = await c.rest('POST', '/rest-auth/login/', { client: 'http', body });
      expectShape(res, S.login);
      expect(res.body.user).toEqual({ pk: expect.any(Number), username: 'alice', email: alice.email, first_name: 'Alice', last_name: 'Lastname' });
      expect((await me(res.body.token)).data.me.id).toBe(String(res.body.user.pk));
    }
    // Django's "no email" is "", never null: old Dart code casts it `as String`.
    const carolLogin = await c.rest('POST', '/rest-auth/login', { client: 'postman', body: { json: { username: 'carol', password: carol.password } } });
    expectShape(carolLogin, S.login);
    expect(carolLogin.body.user.email).toBe('');
  });

  test('login refusals: wrong password, nothing to sign in with, a malformed email, no password', async () => {
    expectShape(
      await c.rest('POST', '/rest-auth/login/', { body: { json: { username: 'alice', password: 'wrong' } } }),
      withCode(S.badCredentials, 'INVALID_CREDENTIALS'),
    );
    expectShape(
      await c.rest('POST', '/rest-auth/login/', { body: { json: { username: '', email: '', password: 'x' } } }),
      withCode(S.mustInclude, 'BAD_USER_INPUT'),
    );
    expectShape(
      await c.rest('POST', '/rest-auth/login/', { body: { json: { email: 'not-an-email', password: 'x' } } }),
      withCode(S.invalidEmail, 'BAD_USER_INPUT'),
    );
    expectShape(await c.rest('POST', '/rest-auth/login/', { body: { json: { username: 'alice' } } }), {
      source: 'DRF 3.14 fields.py required',
      status: 400,
      body: { password: ['This field is required.'], code: 'BAD_USER_INPUT' },
    });
  });

  test('logout ends the session of the token it is given; without one it still answers 200; GET is not allowed', async () => {
    const token = await obtainToken(c.rest, 'bob');
    expectShape(await c.rest('POST', '/rest-auth/logout/', { token }), S.logout);
    expect((await me(token)).data.me).toBeNull();
    const after = await c.rest('GET', '/rest-auth/user/', { token });
    expectShape(after, withCode(AUTH_SHAPES.incorrect, 'UNAUTHENTICATED', 'TOKEN_INVALID'));
    expect(after.headers.get('www-authenticate')).toBe(WWW);
    expectShape(await c.rest('POST', '/rest-auth/logout/', { client: 'postman' }), S.logout);
    expectShape(await c.rest('POST', '/rest-auth/logout/', { token: 'garbage' }), S.logout);
    const get = await c.rest('GET', '/rest-auth/logout/', { token });
    expect(get).toMatchObject({ status: 405, body: { detail: 'Method "GET" not allowed.', code: 'BAD_REQUEST' } });
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
  });
});

describe('the user endpoint', () => {
  test('GET, PATCH and PUT answer the details; pk and email are read-only; the username stays', async () => {
    const token = await obtainToken(c.rest, 'bob');
    const shown = await c.rest('GET', '/rest-auth/user/', { token });
    expectShape(shown, S.user);
    expect(shown.body).toMatchObject({ username: 'bob', email: bob.email, first_name: 'Bob' });

    const patched = await c.rest('PATCH', '/rest-auth/user/', {
      token,
      client: 'http',
      body: { form: { first_name: 'Robert', email: 'x@example.com', pk: '1' } },
    });
    expectShape(patched, S.user);
    expect(patched.body).toEqual({ ...shown.body, first_name: 'Robert' });

    expectShape(await c.rest('PUT', '/rest-auth/user/', { token, body: { json: { first_name: 'Bobby' } } }), withCode(S.usernameRequired, 'BAD_USER_INPUT'));
    const put = await c.rest('PUT', '/rest-auth/user/', { token, body: { json: { username: 'bob', first_name: 'Bobby', last_name: '' } } });
    expect(put.body).toEqual({ ...shown.body, first_name: 'Bobby', last_name: '' });
    expect((await me(token)).data.me).toMatchObject({ firstName: 'Bobby', lastName: '' });

    const renamed = await c.rest('PUT', '/rest-auth/user/', { token, body: { json: { username: 'robert' } } });
    expect(renamed).toMatchObject({ status: 400, body: { username: [expect.stringMatching(/cannot be changed/)], code: 'BAD_USER_INPUT' } });
    const long = await c.rest('PATCH', '/rest-auth/user/', { token, body: { json: { last_name: 'x'.repeat(151) } } });
    expect(long).toMatchObject({ status: 400, body: { last_name: ['Ensure this field has no more than 150 characters.'], code: 'BAD_USER_INPUT' } });
  });

  test('without a token it is 401 with WWW-Authenticate, as DRF answers IsAuthenticated', async () => {
    const res = await c.rest('GET', '/rest-auth/user/', { client: 'postman' });
    expectShape(res, withCode(AUTH_SHAPES.notProvided, 'UNAUTHENTICATED', 'MISSING_TOKEN'));
    expect(res.headers.get('www-authenticate')).toBe(WWW);
  });
});

describe('passwords', () => {
  test('change: mismatch, wrong and missing current password refused; success ends the old token and hands out a new one', async () => {
    const token = await obtainToken(c.rest, 'carol');
    const change = (json: Record<string, string>) => c.rest('POST', '/rest-auth/password/change/', { token, body: { json } });
    const next = secrets.add('glacier-piano-umbrella-7');
    expectShape(await change({ old_password: carol.password, new_password1: next, new_password2: `${next}x` }), withCode(S.passwordMismatch, 'BAD_USER_INPUT'));
    expect(await change({ old_password: 'wrong-one', new_password1: next, new_password2: next })).toMatchObject({
      status: 400,
      body: { old_password: [expect.any(String)], code: 'BAD_USER_INPUT' },
    });
    // rest-auth drops old_password unless OLD_PASSWORD_FIELD_ENABLED; authql always asks for it.
    expect(await change({ new_password1: next, new_password2: next })).toMatchObject({ status: 400, body: { old_password: ['This field is required.'] } });
    expect(await change({ old_password: carol.password, new_password1: '12345678', new_password2: '12345678' })).toMatchObject({
      status: 400,
      body: { new_password2: [expect.any(String)], code: 'BAD_USER_INPUT' },
    });

    const done = await change({ old_password: carol.password, new_password1: next, new_password2: next });
    expectShape(done, { ...S.passwordChanged, body: { ...S.passwordChanged.body, token: expect.any(String) } });
    expect((await me(token)).data.me).toBeNull();
    expect((await me(done.body.token)).data.me.username).toBe('carol');
    expect(await obtainToken(c.rest, 'carol', next)).toEqual(expect.any(String));
  });

  test('reset: the mailed link carries uid and token; confirm checks both, the password rules, and works once', async () => {
    expectShape(await c.rest('POST', '/rest-auth/password/reset/', { body: { json: { email: 'nope' } } }), withCode(S.invalidEmail, 'BAD_USER_INPUT'));
    // Known or not, the same answer.
    expectShape(await c.rest('POST', '/rest-auth/password/reset/', { body: { json: { email: 'nobody@example.com' } } }), S.resetSent);
    expectShape(await c.rest('POST', '/rest-auth/password/reset/', { client: 'http', body: { form: { email: alice.email } } }), S.resetSent);
    const mail = await smtp.waitFor((m) => m.to.includes(alice.email) && /reset/i.test(m.subject));
    const [, uid, token] = /\/password-reset\/confirm\/([^/]+)\/([^/\s]+)\//.exec(mail.text) ?? [];
    secrets.add(token);
    const aliceId = (await me(await obtainToken(c.rest, 'alice'))).data.me.id;
    expect(uid).toBe(Buffer.from(aliceId).toString('base64url'));

    const confirm = (fields: Record<string, string>) => c.rest('POST', '/rest-auth/password/reset/confirm/', { body: { json: fields } });
    const next = secrets.add('lantern-meadow-copper-9');
    const good = { uid, token: decodeURIComponent(token), new_password1: next, new_password2: next };
    expectShape(await confirm({ ...good, uid: '!!' }), withCode(S.badUid, 'BAD_USER_INPUT'));
    expectShape(await confirm({ ...good, uid: Buffer.from('abc').toString('base64url') }), withCode(S.badUid, 'BAD_USER_INPUT'));
    expectShape(await confirm({ ...good, new_password2: 'other' }), withCode(S.passwordMismatch, 'BAD_USER_INPUT'));
    // Another account's uid with this token: the token is not theirs.
    const bobId = (await me(await obtainToken(c.rest, 'bob'))).data.me.id;
    expectShape(await confirm({ ...good, uid: Buffer.from(bobId).toString('base64url') }), withCode(S.badResetToken, 'TOKEN_INVALID'));
    // A password the rules refuse does not use the token up.
    expect(await confirm({ ...good, new_password1: 'password', new_password2: 'password' })).toMatchObject({
      status: 400,
      body: { new_password2: [expect.any(String)], code: 'BAD_USER_INPUT' },
    });
    expectShape(await confirm(good), S.resetDone);
    expectShape(await confirm(good), withCode(S.badResetToken, 'TOKEN_INVALID'));
    expect(await obtainToken(c.rest, 'alice', next)).toEqual(expect.any(String));
  });
});

describe('registration', () => {
  test('201 with {token, user}; mismatch, taken username, missing fields and weak passwords refused', async () => {
    const password = secrets.add('harbor-violet-engine-3');
    const res = await c.rest('POST', '/rest-auth/registration/', {
      client: 'http',
      body: { multipart: { username: 'dora', email: 'dora@example.com', password1: password, password2: password } },
    });
    expectShape(res, S.registered);
    expect(res.body.user).toEqual({ ...USER_DETAILS, username: 'dora', email: 'dora@example.com', first_name: '', last_name: '' });
    expect((await me(res.body.token)).data.me.username).toBe('dora');

    const register = (json: Record<string, string>) => c.rest('POST', '/rest-auth/registration/', { body: { json } });
    expectShape(
      await register({ username: 'dora2', email: 'dora2@example.com', password1: password, password2: 'other' }),
      withCode(S.registrationMismatch, 'BAD_USER_INPUT'),
    );
    expectShape(
      await register({ username: 'alice', email: 'another@example.com', password1: password, password2: password }),
      withCode(S.usernameTaken, 'BAD_USER_INPUT'),
    );
    expect(await register({})).toMatchObject({
      status: 400,
      body: {
        username: ['This field is required.'],
        email: ['This field is required.'],
        password1: ['This field is required.'],
        password2: ['This field is required.'],
      },
    });
    expect(await register({ username: 'dora3', email: 'dora3@example.com', password1: 'short', password2: 'short' })).toMatchObject({
      status: 400,
      body: { password1: [expect.any(String)], code: 'BAD_USER_INPUT' },
    });
  });
});

describe('registration under mandatory email verification', () => {
  let server: TestServer;
  let rest: RestClient;
  beforeAll(async () => {
    server = await startTestServer({
      DJANGO_COMPAT: 'true',
      ACCOUNT_EMAIL_VERIFICATION: 'mandatory',
      SMTP_URL: smtp.url,
      EMAIL_VERIFICATION_URL: VERIFY_URL,
    });
    rest = restClient(server.app.origin);
  });
  afterAll(() => server.stop());

  test('"Verification e-mail sent."; the key from the link verifies once; login waits for it', async () => {
    const password = secrets.add('pebble-saffron-tunnel-5');
    const json = { username: 'erin', email: 'erin@example.com', password1: password, password2: password };
    expectShape(await rest('POST', '/rest-auth/registration/', { body: { json } }), S.verificationSent);
    expectShape(
      await rest('POST', '/rest-auth/login/', { body: { json: { username: 'erin', password } } }),
      withCode(S.emailNotVerified, 'EMAIL_NOT_VERIFIED'),
    );
    const mail = await smtp.waitFor((m) => m.to.includes('erin@example.com'));
    const key = decodeURIComponent(/account-confirm-email\/([^/\s]+)\//.exec(mail.text)?.[1] ?? '');
    secrets.add(key);
    expectShape(await rest('POST', '/rest-auth/registration/verify-email/', { client: 'http', body: { form: { key } } }), S.emailVerified);
    expectShape(await rest('POST', '/rest-auth/registration/verify-email/', { body: { json: { key } } }), withCode(S.unknownKey, 'TOKEN_INVALID'));
    expectShape(await rest('POST', '/rest-auth/registration/verify-email/', { body: { json: { key: 'made-up' } } }), withCode(S.unknownKey, 'TOKEN_INVALID'));
    expectShape(await rest('POST', '/rest-auth/login/', { body: { json: { username: 'erin', password } } }), S.login);
  });
});

test('no password, token or link reached the logs', () => {
  expect(secrets.size).toBeGreaterThan(5);
  expect(secrets.leakedIn(c.server.logs.join('\n'))).toEqual([]);
});
