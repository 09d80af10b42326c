// The master secret of TOTP secrets and recovery codes (issue 13): with
// ENCRYPTION_KEY set, the JWT key can change and enrolled authenticators go
// on working; ENCRYPTION_KEY itself rotates through ENCRYPTION_PREVIOUS_KEYS;
// without the key that sealed them, the codes are refused (never accepted).
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { registerUser } from '../helpers/fixtures';
import { challengeFor, enrollTotp, VERIFY_SECOND_FACTOR } from '../helpers/second-factor';
import { firstError, startTestServer, TEST_SECRET } from '../helpers/server';

const KEY_A = 'encryption-key-a-that-is-long-enough-000000';
const KEY_B = 'encryption-key-b-that-is-long-enough-111111';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase({ shared: true });
});
afterAll(() => db.drop());

const withServer = async <T>(env: Record<string, string>, run: (s: Awaited<ReturnType<typeof startTestServer>>) => Promise<T>): Promise<T> => {
  const s = await startTestServer({ DATABASE_URL: db.url, ...env });
  try {
    return await run(s);
  } finally {
    await s.stop();
  }
};

test('a new JWT key keeps TOTP working under ENCRYPTION_KEY; a rotated ENCRYPTION_KEY reads the old secrets; a lost one reads nothing', async () => {
  const enrolled = await withServer({ ENCRYPTION_KEY: KEY_A }, async (s) => {
    const user = await registerUser(s);
    return { user, ...(await enrollTotp(s, user)) };
  });
  const signIn = (s: Awaited<ReturnType<typeof startTestServer>>, answer: { code?: string; recoveryCode?: string }) =>
    challengeFor(s, enrolled.user).then((c) => s.gql(VERIFY_SECOND_FACTOR, { challengeToken: c.challengeToken, ...answer }));

  await withServer({ ENCRYPTION_KEY: KEY_A, JWT_SECRET_KEY: `${TEST_SECRET}-rotated` }, async (s) => {
    expect((await signIn(s, { recoveryCode: enrolled.recoveryCodes[0] })).data.verifySecondFactor.token).toEqual(expect.any(String));
  });
  await withServer({ ENCRYPTION_KEY: KEY_B, ENCRYPTION_PREVIOUS_KEYS: KEY_A }, async (s) => {
    expect((await signIn(s, { code: enrolled.app.next() })).data.verifySecondFactor.token).toEqual(expect.any(String));
    expect((await signIn(s, { recoveryCode: enrolled.recoveryCodes[1] })).data.verifySecondFactor.token).toEqual(expect.any(String));
  });
  await withServer({ ENCRYPTION_KEY: 'encryption-key-c-nobody-ever-used-2222222' }, async (s) => {
    const refused = await signIn(s, { recoveryCode: enrolled.recoveryCodes[2] });
    expect(firstError(refused)?.extensions).toMatchObject({ code: 'SECOND_FACTOR_INVALID', reason: 'CODE_INVALID' });
  });
}, 60_000);
