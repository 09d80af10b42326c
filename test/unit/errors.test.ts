import { ERROR_CODES, ERROR_REASONS } from '../../src/errors';

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
      'SECOND_FACTOR_INVALID',
      'SERVICE_UNAVAILABLE',
      'SOCIAL_AUTH_FAILED',
      'TOKEN_EXPIRED',
      'TOKEN_INVALID',
      'UNAUTHENTICATED',
    ].sort(),
  );
});

// The reasons are part of the catalogue too: a client switches on them.
test('the reasons each code may carry', () => {
  expect(ERROR_REASONS).toEqual({
    UNAUTHENTICATED: ['MISSING_TOKEN', 'TOKEN_EXPIRED', 'TOKEN_INVALID', 'USER_INACTIVE'],
    TOKEN_INVALID: ['SESSION_REVOKED', 'USER_INACTIVE', 'TOKEN_INVALID'],
    SOCIAL_AUTH_FAILED: ['PROVIDER_NOT_CONFIGURED', 'TOKEN_REJECTED', 'WRONG_APP', 'PROVIDER_UNAVAILABLE', 'EMAIL_CONFLICT'],
    BAD_USER_INPUT: ['LAST_SIGN_IN_METHOD'],
  });
});
