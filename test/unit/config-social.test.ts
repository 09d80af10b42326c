// The social-login settings: providers' published URLs by default, https
// only in production, and bounded key-cache timings.
import { type ConfigError, loadConfig } from '../../src/config';

const SECRET = 'x'.repeat(32);

test('the ID-token key URLs and the Naver API default to the providers’ published ones', () => {
  expect(loadConfig({ JWT_SECRET_KEY: SECRET }).social).toMatchObject({
    naverApiUrl: 'https://openapi.naver.com',
    googleJwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
    appleJwksUrl: 'https://appleid.apple.com/auth/keys',
    kakaoJwksUrl: 'https://kauth.kakao.com/.well-known/jwks.json',
    jwksCacheTtl: 3600,
    jwksMinRefetchInterval: 60,
  });
});

test('production refuses key URLs in clear text, and key-cache timings out of range', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET_KEY: SECRET, ...env });
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };
  const clearText = problems({ GOOGLE_JWKS_URL: 'http://keys.example/certs', NAVER_API_URL: 'http://naver.example' });
  expect(clearText).toEqual(expect.arrayContaining(['NAVER_API_URL must use https in production', 'GOOGLE_JWKS_URL must use https in production']));
  expect(clearText.join()).not.toMatch(/APPLE_JWKS_URL|KAKAO_JWKS_URL/);
  expect(problems({ SOCIAL_JWKS_CACHE_TTL: '0', SOCIAL_JWKS_MIN_REFETCH_INTERVAL: '99999' })).toEqual(
    expect.arrayContaining([expect.stringContaining('SOCIAL_JWKS_CACHE_TTL'), expect.stringContaining('SOCIAL_JWKS_MIN_REFETCH_INTERVAL')]),
  );
});

test('the Apple settings: defaults, and a client_secret lifetime beyond Apple’s six months refused', () => {
  expect(loadConfig({ JWT_SECRET_KEY: SECRET }).apple).toEqual({
    clientSecretLifetime: 86400,
    revokeAttempts: 6,
    revokeBackoff: 30,
    deleteOnAccountDelete: false,
  });
  expect(loadConfig({ JWT_SECRET_KEY: SECRET }).social).toMatchObject({ appleApiUrl: 'https://appleid.apple.com', lineApiUrl: 'https://api.line.me' });
  let problems: string[] = [];
  try {
    loadConfig({ JWT_SECRET_KEY: SECRET, APPLE_CLIENT_SECRET_LIFETIME: '15777001', APPLE_REVOKE_ATTEMPTS: '0' });
  } catch (err) {
    problems = (err as ConfigError).problems;
  }
  expect(problems.join('\n')).toMatch(/APPLE_CLIENT_SECRET_LIFETIME/);
  expect(problems.join('\n')).toMatch(/APPLE_REVOKE_ATTEMPTS/);
});
