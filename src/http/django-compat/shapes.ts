// The bodies rest-auth and djangorestframework-jwt answer with. rest-auth's
// UserDetailsSerializer is (pk, username, email, first_name, last_name);
// Django stores "" for no email, and old Dart clients cast it `as String`, so
// a missing address is "" here, never null.
import type { User } from '../../entities';
import type { IssuedSession } from '../../sessions/sessions';

export const userDetails = (user: User) => ({
  pk: user.id,
  username: user.username,
  email: user.email ?? '',
  first_name: user.firstName,
  last_name: user.lastName,
});

/** rest-auth's JWTSerializer (REST_USE_JWT = True): what login, registration and social login answer. */
export const jwtLogin = (issued: IssuedSession) => ({ token: issued.accessToken, user: userDetails(issued.user) });
