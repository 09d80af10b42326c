import { ERROR_CODES } from '../../src/errors';

// Pins the catalogue: adding or removing a code is an API change and must be
// deliberate (update this list, the README table and the changelog).
test('the error catalogue', () => {
  expect(Object.keys(ERROR_CODES).sort()).toEqual(
    [
      'BAD_USER_INPUT',
      'EMAIL_NOT_VERIFIED',
      'FORBIDDEN',
      'INTERNAL_SERVER_ERROR',
      'INVALID_CREDENTIALS',
      'RATE_LIMITED',
      'REFRESH_TOKEN_REUSED',
      'SERVICE_UNAVAILABLE',
      'SOCIAL_AUTH_FAILED',
      'TOKEN_EXPIRED',
      'TOKEN_INVALID',
      'UNAUTHENTICATED',
    ].sort(),
  );
});
