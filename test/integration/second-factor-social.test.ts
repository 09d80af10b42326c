// The gate holds for every way in (issue 13): a Google sign-in of an account
// with TOTP stops at SECOND_FACTOR_REQUIRED like a password one, and the
// session that follows says the first factor was federated (fed + otp + mfa).
import { enrollTotp, VERIFY_SECOND_FACTOR } from '../helpers/second-factor';
import { firstError } from '../helpers/server';
import { CLIENT_IDS, idTokenLogin, useSocialServer } from '../helpers/social';

const s = useSocialServer();

test('socialLogin of an account with TOTP needs the second factor', async () => {
  const sub = '110000000000000000777';
  const idToken = () => s.keys.GOOGLE.sign({ aud: CLIENT_IDS.GOOGLE[0], sub, email: `sf${sub}@gmail.example`, email_verified: true, name: 'Sf' });
  const first = await idTokenLogin(s.server, 'GOOGLE', idToken());
  const { token, user } = first.data.socialLogin;
  // A social-only account confirms with its recent sign-in (no password).
  const { app } = await enrollTotp(s.server, { token, password: null });

  const stopped = await idTokenLogin(s.server, 'GOOGLE', idToken());
  const ext = firstError(stopped)?.extensions;
  expect(ext).toMatchObject({ code: 'SECOND_FACTOR_REQUIRED', methods: ['TOTP', 'RECOVERY_CODE'] });
  expect(stopped.data).toBeNull();

  const signedIn = await s.server.gql(VERIFY_SECOND_FACTOR, { challengeToken: ext?.challengeToken, code: app.next() });
  expect(signedIn.data.verifySecondFactor.payload.amr).toEqual(['fed', 'otp', 'mfa']);
  expect(signedIn.data.verifySecondFactor.user.id).toBe(user.id);
});
