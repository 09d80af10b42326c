// DJANGO_COMPAT and second factors (issue 13): an old app's REST sign-in of
// an account with TOTP cannot complete the second step, so it answers 401
// SECOND_FACTOR_REQUIRED (no challenge token: it would be useless there);
// the same account then signs in over GraphQL with verifySecondFactor, and
// that session's token works on the REST endpoints too.
import { type CompatServer, startCompatServer } from '../helpers/django-compat';
import { registerUser } from '../helpers/fixtures';
import { challengeFor, enrollTotp, VERIFY_SECOND_FACTOR } from '../helpers/second-factor';

const SECOND_FACTOR_TEXT = 'This account has a second factor, which this endpoint cannot complete. Sign in with an app version that supports it.';

let c: CompatServer;
beforeAll(async () => {
  c = await startCompatServer();
});
afterAll(() => c.stop());

test('REST login of a 2FA account is 401 SECOND_FACTOR_REQUIRED; the GraphQL challenge then signs it in', async () => {
  const user = await registerUser(c.server);
  const { app } = await enrollTotp(c.server, user);
  const fields = { username: user.user.username, password: user.password };
  for (const path of ['/api-jwt-auth/', '/api-token-auth/', '/rest-auth/login/']) {
    const res = await c.rest('POST', path, { body: { json: fields } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('JWT realm="api"');
    expect(res.body).toEqual({ detail: SECOND_FACTOR_TEXT, code: 'SECOND_FACTOR_REQUIRED' });
  }
  // A wrong password is still the ordinary refusal: the 401 says nothing before the password is right.
  const wrong = await c.rest('POST', '/api-jwt-auth/', { body: { json: { ...fields, password: 'not the password' } } });
  expect(wrong.status).toBe(400);
  expect(wrong.body.code).toBe('INVALID_CREDENTIALS');

  const { challengeToken } = await challengeFor(c.server, user);
  const signedIn = await c.server.gql(VERIFY_SECOND_FACTOR, { challengeToken, code: app.next() });
  const token: string = signedIn.data.verifySecondFactor.token;
  const me = await c.rest('GET', '/rest-auth/user/', { token });
  expect(me.status).toBe(200);
  expect(me.body.username).toBe(user.user.username);
  const verified = await c.rest('POST', '/api-token-verify/', { body: { json: { token } } });
  expect(verified.status).toBe(200);
});
