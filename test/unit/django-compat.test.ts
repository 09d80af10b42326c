// The Django-compat edge's pure parts: its settings, the Authorization
// header as djangorestframework-jwt splits it, DRF's serializer field checks
// and page links, rest-auth's uid, and how authql's errors become DRF's.
import { type ConfigError, loadConfig } from '../../src/config';
import { AppError, rateLimited } from '../../src/errors';
import { readAuthorization } from '../../src/http/django-compat/auth';
import { SECOND_FACTOR_TEXT, toDrfError } from '../../src/http/django-compat/errors';
import { readFields } from '../../src/http/django-compat/fields';
import { decodeUid } from '../../src/http/django-compat/password-views';
import { pageLink } from '../../src/http/django-compat/users-views';

const SECRET = 'x'.repeat(32);
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ JWT_SECRET_KEY: SECRET, ...env });
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

test('settings: off by default; the prefix is a path; production needs an https public URL; no hidden tokens', () => {
  expect(loadConfig({ JWT_SECRET_KEY: SECRET }).djangoCompat).toEqual({ enabled: false, prefix: '', publicUrl: undefined });
  expect(
    loadConfig({ JWT_SECRET_KEY: SECRET, DJANGO_COMPAT: 'true', DJANGO_COMPAT_PREFIX: '/api/v1', DJANGO_COMPAT_PUBLIC_URL: 'https://a.example/' }).djangoCompat,
  ).toEqual({
    enabled: true,
    prefix: '/api/v1',
    publicUrl: 'https://a.example',
  });
  for (const prefix of ['api', '/api/', '/a b', '//x'])
    expect(problems({ DJANGO_COMPAT_PREFIX: prefix })).toEqual([expect.stringContaining('DJANGO_COMPAT_PREFIX')]);
  expect(problems({ DJANGO_COMPAT_PUBLIC_URL: 'ftp://x' })).toEqual([expect.stringContaining('DJANGO_COMPAT_PUBLIC_URL')]);
  const production = { NODE_ENV: 'production', METRICS_TOKEN: 'm'.repeat(20), DJANGO_COMPAT: 'true' };
  expect(problems(production)).toEqual([expect.stringContaining('DJANGO_COMPAT_PUBLIC_URL is required in production')]);
  expect(problems({ ...production, DJANGO_COMPAT_PUBLIC_URL: 'http://auth.example' })).toEqual([expect.stringContaining('must be https')]);
  expect(problems({ ...production, DJANGO_COMPAT_PUBLIC_URL: 'https://auth.example' })).toEqual([]);
  expect(problems({ DJANGO_COMPAT: 'true', JWT_COOKIE: 'true', JWT_HIDE_TOKEN_FIELDS: 'true' })).toEqual([expect.stringContaining('JWT_HIDE_TOKEN_FIELDS')]);
  expect(problems({ DJANGO_COMPAT: 'maybe' })).toEqual([expect.stringContaining('DJANGO_COMPAT must be true or false')]);
});

test('the Authorization header, split on whitespace with the prefix compared ignoring case', () => {
  const prefixes = ['JWT', 'Bearer'];
  expect(readAuthorization(undefined, prefixes)).toEqual({ kind: 'none' });
  expect(readAuthorization('', prefixes)).toEqual({ kind: 'none' });
  expect(readAuthorization('Token abc', prefixes)).toEqual({ kind: 'none' });
  expect(readAuthorization('abc.def.ghi', prefixes)).toEqual({ kind: 'none' });
  expect(readAuthorization('jwt  abc', prefixes)).toEqual({ kind: 'token', token: 'abc' });
  expect(readAuthorization('BEARER abc', prefixes)).toEqual({ kind: 'token', token: 'abc' });
  expect(readAuthorization('JWT', prefixes)).toMatchObject({ kind: 'malformed', detail: expect.stringContaining('No credentials provided') });
  expect(readAuthorization('JWT a b', prefixes)).toMatchObject({ kind: 'malformed', detail: expect.stringContaining('should not contain spaces') });
});

test('serializer fields: trimmed text, numbers as text, passwords exactly as sent, every problem at once', () => {
  expect(readFields({ username: '  alice ', password: ' pw ', n: 42 }, { username: {}, password: { password: true }, n: {} })).toEqual({
    username: 'alice',
    password: ' pw ',
    n: '42',
  });
  expect(readFields({}, { a: { required: false }, b: { required: false, allowBlank: true } })).toEqual({ a: undefined, b: undefined });
  expect(() => readFields({ a: '', b: [], c: 'xx' }, { a: {}, b: {}, c: { maxLength: 1 }, d: {} })).toThrow(
    expect.objectContaining({
      status: 400,
      body: {
        a: ['This field may not be blank.'],
        b: ['Not a valid string.'],
        c: ['Ensure this field has no more than 1 characters.'],
        d: ['This field is required.'],
        code: 'BAD_USER_INPUT',
      },
    }),
  );
  expect(() => readFields('text', {})).toThrow(
    expect.objectContaining({ body: { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'], code: 'BAD_USER_INPUT' } }),
  );
});

test('page links: page set, or dropped for page 1; keys sorted', () => {
  const url = 'http://h/users/';
  expect(pageLink(url, new URLSearchParams('page=2'), 3)).toBe('http://h/users/?page=3');
  expect(pageLink(url, new URLSearchParams('page=2'), 1)).toBe('http://h/users/');
  expect(pageLink(url, new URLSearchParams('z=1&page=2&a=b c'), 1)).toBe('http://h/users/?a=b+c&z=1');
});

test('rest-auth uid: Django’s unpadded base64url of the decimal pk', () => {
  expect(decodeUid('MQ')).toBe(1);
  expect(decodeUid('MQ==')).toBe(1);
  expect(decodeUid(Buffer.from('12345').toString('base64url'))).toBe(12345);
  for (const bad of ['', '!!', 'MA', Buffer.from('abc').toString('base64url'), Buffer.from('-1').toString('base64url')]) expect(decodeUid(bad)).toBeNull();
});

test('authql errors as DRF answers them', () => {
  const www = 'JWT realm="api"';
  expect(toDrfError(rateLimited(1), {}, www)).toMatchObject({
    status: 429,
    body: { detail: 'Request was throttled. Expected available in 1 second.', code: 'RATE_LIMITED' },
    headers: { 'retry-after': '1' },
  });
  // The second-factor gate's refusal (issue 13), matched by its code: an old app cannot complete it.
  const secondFactor = new AppError('SECOND_FACTOR_REQUIRED' as never, 'A second factor is required.', { challengeToken: 'c', methods: ['TOTP'] });
  expect(toDrfError(secondFactor, {}, www)).toMatchObject({
    status: 401,
    body: { detail: SECOND_FACTOR_TEXT, code: 'SECOND_FACTOR_REQUIRED' },
    headers: { 'www-authenticate': www },
  });
  expect(toDrfError(secondFactor, {}, www)?.body).not.toHaveProperty('challengeToken');
  expect(toDrfError(new AppError('BAD_USER_INPUT', 'Too short.', { field: 'newPassword' }), { fields: { newPassword: 'new_password2' } }, www)?.body).toEqual({
    new_password2: ['Too short.'],
    code: 'BAD_USER_INPUT',
  });
  expect(toDrfError(new AppError('FORBIDDEN'), {}, www)?.status).toBe(403);
  expect(toDrfError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }), {}, www)?.status).toBe(503);
  expect(toDrfError(new Error('a bug'), {}, www)).toBeNull();
});
