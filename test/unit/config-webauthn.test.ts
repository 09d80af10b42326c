// WEBAUTHN_*: defaults, the origin checks, and production without an RP ID.
import { type ConfigError, type Env, loadConfig } from '../../src/config';

const SECRET = 'x'.repeat(32);
const problems = (env: Env): string[] => {
  try {
    loadConfig({ JWT_SECRET_KEY: SECRET, ...env });
    return [];
  } catch (err) {
    return (err as ConfigError).problems.filter((p) => p.startsWith('WEBAUTHN'));
  }
};

test('development: localhost, origins from the listening port', () => {
  expect(loadConfig({ JWT_SECRET_KEY: SECRET }).webauthn).toEqual({ enabled: true, rpId: 'localhost', rpName: 'authql', origins: null });
});

test('web origins on the RP ID, Android app origins, several at once', () => {
  const c = loadConfig({
    JWT_SECRET_KEY: SECRET,
    WEBAUTHN_RP_ID: 'example.com',
    WEBAUTHN_RP_NAME: 'Example',
    WEBAUTHN_ORIGINS: `https://example.com, https://app.example.com,android:apk-key-hash:${'A'.repeat(43)}`,
  });
  expect(c.webauthn).toEqual({
    enabled: true,
    rpId: 'example.com',
    rpName: 'Example',
    origins: ['https://example.com', 'https://app.example.com', `android:apk-key-hash:${'A'.repeat(43)}`],
  });
});

test('refused: origins off the RP ID, clear text, paths, bad RP IDs, an RP ID without origins', () => {
  expect(problems({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.org' })).toEqual([
    'WEBAUTHN_ORIGINS entry "https://example.org" is not on WEBAUTHN_RP_ID example.com (its host must be example.com or end in .example.com)',
  ]);
  expect(problems({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://notexample.com' })).toHaveLength(1);
  expect(problems({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'http://example.com' })).toEqual([
    'WEBAUTHN_ORIGINS entries must use https (http only on localhost) (got "http://example.com")',
  ]);
  expect(problems({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com/login' })).toHaveLength(1);
  expect(problems({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'android:apk-key-hash:short' })).toHaveLength(1);
  expect(problems({ WEBAUTHN_RP_ID: 'https://example.com', WEBAUTHN_ORIGINS: 'https://example.com' })).toHaveLength(2);
  expect(problems({ WEBAUTHN_RP_ID: 'Example.com', WEBAUTHN_ORIGINS: 'https://example.com' })).toHaveLength(2);
  expect(problems({ WEBAUTHN_RP_ID: 'example.com' })).toEqual([
    'WEBAUTHN_ORIGINS is required with WEBAUTHN_RP_ID (the origins your app and its pages are served from)',
  ]);
  expect(problems({ WEBAUTHN_ORIGINS: 'http://localhost:3000' })).toEqual([]);
});

test('production: passkeys are off without WEBAUTHN_RP_ID, and http is refused even on localhost', () => {
  const base = { NODE_ENV: 'production', METRICS_TOKEN: 'm'.repeat(32), JWT_ISSUER: 'https://auth.example.com' };
  expect(loadConfig({ JWT_SECRET_KEY: SECRET, ...base }).webauthn.enabled).toBe(false);
  expect(loadConfig({ JWT_SECRET_KEY: SECRET, ...base, WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com' }).webauthn.enabled).toBe(true);
  expect(problems({ ...base, WEBAUTHN_ORIGINS: 'http://localhost:3000' })).toEqual([
    'WEBAUTHN_ORIGINS entries must use https in production (got "http://localhost:3000")',
  ]);
});
