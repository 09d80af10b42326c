// djangorestframework-jwt's obtain, verify and refresh as the old apps call
// them (dio, package:http and Postman; JSON, form and multipart; both URL
// spellings, with or without the slash), against Django users brought over
// with `manage import-django`, compared key by key with what
// djangorestframework-jwt 1.11 answers (test/helpers/drf-shapes.ts).
import { type Body, type Client, type CompatServer, DJANGO_USERS, obtainToken, restClient, startCompatServer } from '../helpers/django-compat';
import { expectShape, JWT_SHAPES, withCode } from '../helpers/drf-shapes';

import { registerUser } from '../helpers/fixtures';
import { startTestServer } from '../helpers/server';
import { updateUser } from '../helpers/social';
import { decodePayload, signWith, tamper } from '../helpers/tokens';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ME = '{ me { username email isStaff } }';
const LOGOUT = 'mutation { logout }';
const { alice, bob } = DJANGO_USERS;

describe('imported Django users', () => {
  let c: CompatServer;
  beforeAll(async () => {
    c = await startCompatServer();
  });
  afterAll(() => c.stop());

  test('obtain takes JSON, form and multipart bodies from dio, package:http and Postman, at every spelling of the path', async () => {
    const fields = { username: 'alice', password: alice.password };
    const cases: Array<[Client, Body, string]> = [
      ['dio', { json: fields }, '/api-jwt-auth/'],
      ['http', { form: fields }, '/api-jwt-auth/'],
      ['http', { multipart: fields }, '/api-token-auth/'],
      ['dio', { multipart: fields }, '/api-jwt-auth'],
      ['postman', { json: fields }, '/api-token-auth'],
      ['postman', { form: fields }, '/api-jwt-auth/'],
      ['postman', { multipart: fields }, '/api-jwt-auth/'],
    ];
    for (const [client, body, path] of cases) {
      const res = await c.rest('POST', path, { client, body });
      expectShape(res, JWT_SHAPES.token);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('cache-control')).toBe('no-store');
      // An authql access token: valid on /graphql too, with the session and claims authql's tokens have.
      expect(decodePayload(res.body.token)).toMatchObject({ username: 'alice', typ: 'access', sid: expect.any(String), orig_iat: expect.any(Number) });
      const me = await c.server.gql(ME, {}, { token: res.body.token });
      expect(me.data.me).toEqual({ username: 'alice', email: alice.email, isStaff: true });
    }
    // The email works as the username too (authql's login takes either).
    expectShape(await c.rest('POST', '/api-jwt-auth/', { body: { json: { username: bob.email, password: bob.password } } }), JWT_SHAPES.token);
  });

  test('wrong credentials, missing and blank fields are refused as djangorestframework-jwt refuses them', async () => {
    for (const json of [
      { username: 'alice', password: 'not-her-password' },
      { username: 'nobody-by-that-name', password: alice.password },
    ]) {
      expectShape(await c.rest('POST', '/api-jwt-auth/', { body: { json } }), withCode(JWT_SHAPES.badCredentials, 'INVALID_CREDENTIALS'));
    }
    expectShape(await c.rest('POST', '/api-jwt-auth/', { body: { json: {} } }), withCode(JWT_SHAPES.missingFields, 'BAD_USER_INPUT'));
    // An empty form (and no body at all) is the same: every field missing.
    expectShape(await c.rest('POST', '/api-token-auth/', { client: 'http', body: { form: {} } }), withCode(JWT_SHAPES.missingFields, 'BAD_USER_INPUT'));
    expectShape(await c.rest('POST', '/api-token-auth/'), withCode(JWT_SHAPES.missingFields, 'BAD_USER_INPUT'));
    expectShape(
      await c.rest('POST', '/api-jwt-auth/', { body: { json: { username: '  ', password: 'x' } } }),
      withCode(JWT_SHAPES.blankUsername, 'BAD_USER_INPUT'),
    );
  });

  test('verify answers the same token, and refuses garbage, a forged signature, a missing token', async () => {
    const token = await obtainToken(c.rest, 'bob');
    for (const path of ['/api-jwt-auth/verify/', '/api-token-verify/', '/api-token-auth/verify']) {
      const res = await c.rest('POST', path, { client: 'http', body: { form: { token } } });
      expectShape(res, JWT_SHAPES.token);
      expect(res.body.token).toBe(token);
    }
    for (const bad of [
      'garbage',
      tamper(token, { username: 'alice' }),
      signWith({ ...decodePayload(token) }, 'another-secret-that-is-long-enough-0123456789'),
    ]) {
      expectShape(await c.rest('POST', '/api-jwt-auth/verify/', { body: { json: { token: bad } } }), withCode(JWT_SHAPES.decodeError, 'TOKEN_INVALID'));
    }
    expectShape(await c.rest('POST', '/api-jwt-auth/verify/', { body: { json: {} } }), withCode(JWT_SHAPES.missingToken, 'BAD_USER_INPUT'));
  });

  test('refresh: a new token of the same session with orig_iat kept, valid on /graphql', async () => {
    const token = await obtainToken(c.rest, 'bob');
    await sleep(1100); // a new iat
    const res = await c.rest('POST', '/api-jwt-auth/refresh/', { body: { json: { token } } });
    expectShape(res, JWT_SHAPES.token);
    const before = decodePayload(token);
    const after = decodePayload(res.body.token);
    expect(after).toMatchObject({ sub: before.sub, sid: before.sid, orig_iat: before.orig_iat, ver: before.ver });
    expect(after.iat).toBeGreaterThan(before.iat);
    expect(after.exp).toBeGreaterThan(before.exp);
    expect(after.jti).not.toBe(before.jti);
    expect((await c.server.gql(ME, {}, { token: res.body.token })).data.me.username).toBe('bob');
    // The documented spelling, and a refreshed token refreshes again.
    expectShape(await c.rest('POST', '/api-token-refresh/', { client: 'postman', body: { form: { token: res.body.token } } }), JWT_SHAPES.token);
  });

  test('refresh does not outlive the session: a signed-out session or a deactivated account ends it', async () => {
    // Signed out through GraphQL: the session is revoked, and so is every token of it.
    const token = await obtainToken(c.rest, 'bob');
    expect((await c.server.gql(LOGOUT, {}, { token })).data.logout).toBe(true);
    const invalid = {
      ...JWT_SHAPES.decodeError,
      source: 'authql: drf-jwt’s text for a token whose session no longer holds',
      body: { non_field_errors: ['Invalid token.'] },
    };
    expectShape(await c.rest('POST', '/api-jwt-auth/refresh/', { body: { json: { token } } }), withCode(invalid, 'TOKEN_INVALID', 'TOKEN_INVALID'));
    expectShape(await c.rest('POST', '/api-jwt-auth/verify/', { body: { json: { token } } }), withCode(invalid, 'TOKEN_INVALID', 'TOKEN_INVALID'));

    const carolToken = await obtainToken(c.rest, 'carol');
    const meId = (await c.server.gql('{ me { id } }', {}, { token: carolToken })).data.me.id;
    await updateUser(c.server, meId, { isActive: false });
    expectShape(
      await c.rest('POST', '/api-jwt-auth/refresh/', { body: { json: { token: carolToken } } }),
      withCode(JWT_SHAPES.userDisabled, 'TOKEN_INVALID', 'USER_INACTIVE'),
    );
    await updateUser(c.server, meId, { isActive: true });
  });
});

describe('with 1-second access tokens', () => {
  let c: CompatServer;
  beforeAll(async () => {
    c = await startCompatServer({ JWT_EXPIRATION_DELTA: '1' });
  });
  afterAll(() => c.stop());

  test('an expired token can be neither verified nor refreshed: "Signature has expired."', async () => {
    const token = await obtainToken(c.rest, 'bob');
    await sleep(2100);
    for (const path of ['/api-jwt-auth/verify/', '/api-jwt-auth/refresh/']) {
      expectShape(await c.rest('POST', path, { body: { json: { token } } }), withCode(JWT_SHAPES.signatureExpired, 'TOKEN_EXPIRED'));
    }
  });
});

describe('with JWT_REFRESH_EXPIRATION_DELTA=2', () => {
  let c: CompatServer;
  beforeAll(async () => {
    c = await startCompatServer({ JWT_REFRESH_EXPIRATION_DELTA: '2' });
  });
  afterAll(() => c.stop());

  test('a live token is refreshed within the window and refused after it: "Refresh has expired."', async () => {
    const token = await obtainToken(c.rest, 'bob');
    const refreshed = await c.rest('POST', '/api-jwt-auth/refresh/', { body: { json: { token } } });
    expectShape(refreshed, JWT_SHAPES.token);
    await sleep(3100);
    // Both tokens are unexpired (5 minutes), but their session's window, counted from orig_iat, is over.
    for (const t of [token, refreshed.body.token]) {
      expectShape(await c.rest('POST', '/api-jwt-auth/refresh/', { body: { json: { token: t } } }), withCode(JWT_SHAPES.refreshExpired, 'TOKEN_EXPIRED'));
    }
  });
});

test('with JWT_ALLOW_REFRESH=false a refresh is refused as djangorestframework-jwt refused it then', async () => {
  const server = await startTestServer({ DJANGO_COMPAT: 'true', JWT_ALLOW_REFRESH: 'false' });
  try {
    const rest = restClient(server.app.origin);
    const { user, password } = await registerUser(server);
    const token = await obtainToken(rest, user.username, password);
    const refused = { ...JWT_SHAPES.refreshExpired, body: { non_field_errors: ['orig_iat field is required.'] } };
    expectShape(await rest('POST', '/api-jwt-auth/refresh/', { body: { json: { token } } }), withCode(refused, 'TOKEN_INVALID'));
    expectShape(await rest('POST', '/api-jwt-auth/verify/', { body: { json: { token } } }), JWT_SHAPES.token);
  } finally {
    await server.stop();
  }
});
