// The email sign-in code settings: defaults, bounds, and `off` for the limits.
import { loadConfig } from '../../src/config';

const SECRET = 'x'.repeat(32);

test('defaults: 10 minutes, 3 codes per address and 20 requests per IP per 15 minutes, 10 tries per address an hour', () => {
  const c = loadConfig({ JWT_SECRET_KEY: SECRET });
  expect(c.account.signInCodeTimeout).toBe(600);
  expect(c.rateLimits).toMatchObject({
    signInCodeEmail: { limit: 3, window: 900 },
    signInCodeIp: { limit: 20, window: 900 },
    signInCodeTries: { limit: 10, window: 3600 },
  });
});

test('SIGN_IN_CODE_TIMEOUT is 1 to 3600 seconds; every bad value is reported at once', () => {
  expect(loadConfig({ JWT_SECRET_KEY: SECRET, SIGN_IN_CODE_TIMEOUT: '1' }).account.signInCodeTimeout).toBe(1);
  expect(() => loadConfig({ JWT_SECRET_KEY: SECRET, SIGN_IN_CODE_TIMEOUT: '0', RATE_LIMIT_SIGN_IN_CODE_TRIES: 'many' })).toThrow(
    /RATE_LIMIT_SIGN_IN_CODE_TRIES must look like 5\/300[\s\S]*SIGN_IN_CODE_TIMEOUT must be a whole number between 1 and 3600/,
  );
  expect(() => loadConfig({ JWT_SECRET_KEY: SECRET, SIGN_IN_CODE_TIMEOUT: '3601' })).toThrow(/SIGN_IN_CODE_TIMEOUT/);
});

test('the limits can be switched off', () => {
  const c = loadConfig({ JWT_SECRET_KEY: SECRET, RATE_LIMIT_SIGN_IN_CODE_EMAIL: 'off', RATE_LIMIT_SIGN_IN_CODE_IP: '5/60' });
  expect(c.rateLimits.signInCodeEmail).toBeNull();
  expect(c.rateLimits.signInCodeIp).toEqual({ limit: 5, window: 60 });
});
