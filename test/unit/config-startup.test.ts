// Settings a first start-up depends on: DATABASE_URL must name a database we
// support (a typo must not become a SQLite file named "mysql:"), LOG_FORMAT.
import { loadConfig } from '../../src/config';
import { describeDatabaseUrl } from '../../src/db/database-url';

const SECRET = 'x'.repeat(32);
const load = (env: Record<string, string>) => () => loadConfig({ JWT_SECRET_KEY: SECRET, ...env });

test('DATABASE_URL: the SQLite and PostgreSQL forms pass', () => {
  for (const url of [
    'sqlite:./data/a.sqlite',
    'sqlite::memory:',
    'sqlite:/srv/a.sqlite',
    'file:a.db',
    'data/a.sqlite',
    'C:\\data\\a.sqlite',
    'postgres://u@db:5432/authql',
    'postgresql://u:p@db/authql',
    'postgres://db',
  ]) {
    expect(load({ DATABASE_URL: url })).not.toThrow();
  }
});

test('DATABASE_URL: another scheme or a broken PostgreSQL URL is refused, password hidden', () => {
  for (const url of ['mysql://u:pw-secret@db/authql', 'http://db/authql', 'postgresql:/authql', 'postgres:authql', 'postgres://', 'localhost:5432/authql']) {
    expect(load({ DATABASE_URL: url })).toThrow(/DATABASE_URL must be sqlite:<path>, sqlite::memory: or postgres:\/\//);
  }
  expect(load({ DATABASE_URL: 'mysql://u:pw-secret@db/authql' })).toThrow('(got "mysql://u:***@db/authql")');
  expect(describeDatabaseUrl('postgres://u:p@ss@db/x')).toBe('postgres://u:***@db/x');
  expect(describeDatabaseUrl('postgres://u@db/x')).toBe('postgres://u@db/x');
});

test('LOG_FORMAT is auto, json or pretty', () => {
  expect(load({})().logFormat).toBe('auto');
  expect(load({ LOG_FORMAT: 'pretty' })().logFormat).toBe('pretty');
  expect(load({ LOG_FORMAT: 'text' })).toThrow(/LOG_FORMAT must be one of auto, json, pretty/);
});
