import { type ConfigError, loadConfig } from '../../src/config';

const SECRET = 'x'.repeat(32);
const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ JWT_SECRET_KEY: SECRET, ...env }, { cwd: '/srv/app' });
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

test('defaults: the JWT key is the master secret, no staff policy, 10 wrong codes per 15 minutes', () => {
  const c = loadConfig({ JWT_SECRET_KEY: SECRET }, { cwd: '/srv/app' });
  expect(c.secondFactor).toEqual({ masterSecrets: { current: SECRET, previous: [] }, totpIssuer: 'authql', requiredForStaff: false });
  expect(c.rateLimits.secondFactor).toEqual({ limit: 10, window: 900 });
});

test('ENCRYPTION_KEY, its previous keys, the issuer and the staff policy', () => {
  const key = 'k'.repeat(40);
  const c = loadConfig(
    {
      JWT_SECRET_KEY: SECRET,
      ENCRYPTION_KEY: key,
      ENCRYPTION_PREVIOUS_KEYS: `${'a'.repeat(32)},${'b'.repeat(32)}`,
      TOTP_ISSUER: 'Acme',
      MFA_REQUIRED_FOR_STAFF: 'true',
    },
    { cwd: '/srv/app' },
  );
  expect(c.secondFactor).toEqual({ masterSecrets: { current: key, previous: ['a'.repeat(32), 'b'.repeat(32)] }, totpIssuer: 'Acme', requiredForStaff: true });
});

test('a short ENCRYPTION_KEY, or previous keys without one, are refused', () => {
  expect(problems({ ENCRYPTION_KEY: 'short' })).toContain('ENCRYPTION_KEY must be at least 32 bytes');
  expect(problems({ ENCRYPTION_PREVIOUS_KEYS: 'a'.repeat(32) })).toContain('ENCRYPTION_PREVIOUS_KEYS needs ENCRYPTION_KEY (the key that replaced them)');
  expect(problems({ MFA_REQUIRED_FOR_STAFF: 'sometimes' }).join('\n')).toMatch(/MFA_REQUIRED_FOR_STAFF/);
});
