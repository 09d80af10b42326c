import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultHashConcurrency, loadConfig } from '../../src/config';

const SECRET = 'x'.repeat(32);

test('defaults', () => {
  const c = loadConfig({ JWT_SECRET_KEY: SECRET }, { cwd: '/srv/app' });
  expect(c.nodeEnv).toBe('development');
  expect(c.port).toBe(4000);
  expect(c.databaseUrl).toBe('sqlite:/srv/app/data/authql.sqlite');
  expect(c.jwt).toMatchObject({
    algorithm: 'HS256',
    expirationDelta: 300,
    allowRefresh: true,
    refreshExpirationDelta: 604800,
    refreshReuseInterval: 10,
    refreshRetryWindow: 300,
    authHeaderPrefix: 'JWT',
    leeway: 0,
  });
  expect(Object.isFrozen(c.jwt)).toBe(true);
});

test('password hashes leave a core for the event loop by default', () => {
  expect([1, 2, 3, 4, 8, 64].map(defaultHashConcurrency)).toEqual([1, 1, 2, 3, 3, 3]);
  expect(loadConfig({ JWT_SECRET_KEY: SECRET, PASSWORD_HASH_CONCURRENCY: '4' }).passwordHashConcurrency).toBe(4);
});

test('every problem is reported at once', () => {
  let error: ConfigError | undefined;
  try {
    loadConfig({ NODE_ENV: 'production', JWT_EXPIRATION_DELTA: 'soon', JWT_ALGORITHM: 'none', JWT_ALLOW_REFRESH: 'maybe', PORT: '-1' });
  } catch (err) {
    error = err as ConfigError;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect(error!.problems).toEqual([
    expect.stringContaining('JWT_ALGORITHM'),
    expect.stringContaining('JWT_SECRET_KEY is required in production'),
    expect.stringContaining('JWT_EXPIRATION_DELTA'),
    expect.stringContaining('PORT'),
    expect.stringContaining('JWT_ALLOW_REFRESH'),
    expect.stringContaining('METRICS_TOKEN or METRICS_PORT'),
  ]);
});

test('a short secret is refused', () => {
  expect(() => loadConfig({ JWT_SECRET_KEY: 'short' })).toThrow(/at least 32 bytes/);
});

test('development generates and keeps a secret under the data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authql-config-'));
  const a = loadConfig({ DATA_DIR: dir });
  const b = loadConfig({ DATA_DIR: dir });
  expect(a.jwt.secretGenerated).toBe(true);
  expect(a.jwt.secretKey).toBe(b.jwt.secretKey);
  expect(readFileSync(join(dir, 'dev-jwt-secret'), 'utf8').trim()).toBe(a.jwt.secretKey);
  expect(Buffer.byteLength(a.jwt.secretKey)).toBeGreaterThanOrEqual(32);
});
