// Sign in with Apple over real HTTP, against a fake Apple key server on
// loopback that signs with its own keys and Apple's real issuer.
import { createHash } from 'node:crypto';
import { User } from '../../src/entities';
import { idTokenProviderSuite } from '../helpers/id-token-suite';
import { firstError } from '../helpers/server';
import { CLIENT_IDS, idTokenLogin, SOCIAL_LOGIN, useSocialServer } from '../helpers/social';

const sha256 = (raw: string) => createHash('sha256').update(raw).digest('hex');
let nextSub = 0;
/** Apple's `sub` looks like `001393.6d621dadasdd04956bds129fa982ba.1517`. */
const newSubject = () => `001393.${sha256(`apple-${Date.now()}-${++nextSub}`).slice(0, 32)}.${String(nextSub).padStart(4, '0')}`;
const profile = (sub: string) => ({
  email: `${sub.slice(7, 17)}@privaterelay.appleid.com`,
  email_verified: 'true',
  is_private_email: 'true',
  auth_time: Math.floor(Date.now() / 1000),
});

describe('the checks every ID-token provider passes', () => {
  idTokenProviderSuite({
    provider: 'APPLE',
    newSubject,
    profile,
    // Apple never puts the user's name in the token: the username falls back to apple_<sub>.
    username: (sub) => `apple_${sub}`,
    nonceClaim: sha256,
  });
});

describe('Apple specifics', () => {
  const s = useSocialServer();
  const [bundleId] = CLIENT_IDS.APPLE;
  const sign = (extra: Record<string, unknown> = {}, sub = newSubject()) => s.keys.APPLE.sign({ aud: bundleId, sub, ...profile(sub), ...extra });
  const userRow = (id: string) => s.server.app.orm.em.fork().findOneOrFail(User, Number(id));

  test("the app sends its raw nonce and the token carries its SHA-256, as Apple's SDK flow does; the hash itself is refused", async () => {
    const raw = `raw-nonce-${Date.now()}`;
    expect((await idTokenLogin(s.server, 'APPLE', sign({ nonce: sha256(raw) }), raw)).errors).toBeUndefined();
    const hashed = sha256(`other-${raw}`);
    const res = await idTokenLogin(s.server, 'APPLE', sign({ nonce: hashed }), hashed);
    expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'TOKEN_REJECTED' });
  });

  test('email_verified counts whether Apple sends it as a boolean or as the string "true"', async () => {
    for (const [flag, verified] of [
      ['true', true],
      [true, true],
      ['false', false],
      [false, false],
      [undefined, false],
    ] as const) {
      const out = (await idTokenLogin(s.server, 'APPLE', sign({ email_verified: flag }))).data.socialLogin;
      expect(await userRow(out.user.id)).toMatchObject({ emailVerified: verified });
    }
  });

  test('Apple takes no access token: BAD_USER_INPUT on accessToken, before any call', async () => {
    const res = await s.server.gql(SOCIAL_LOGIN, { provider: 'APPLE', accessToken: 'some-access-token' });
    expect(firstError(res)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'accessToken' });
    expect(s.keys.APPLE.calls).toHaveLength(0);
  });

  test('a Google-signed token is no Apple token, even for the same client ID', async () => {
    const foreign = s.keys.GOOGLE.sign({ aud: bundleId, sub: newSubject(), iss: 'https://appleid.apple.com' });
    const res = await idTokenLogin(s.server, 'APPLE', foreign);
    expect(firstError(res)?.extensions).toEqual({ code: 'SOCIAL_AUTH_FAILED', reason: 'TOKEN_REJECTED' });
  });
});
